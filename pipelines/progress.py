"""Progress of a run for the person waiting at the terminal (no Dagster import).

The stages report to the process's current reporter: silent by default (tests, the UI's
runs), a live rich display when `make run` writes to a terminal, one line per stage
otherwise (CI, logs). The CLI chooses it with `reporting(...)` around the run; the run is
in-process, so the assets reach it through `current()`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


def _fr(value: float, decimals: int = 0) -> str:
    """French number: narrow no-break space between thousands, comma for decimals."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def stage_line(label: str, seconds: float, rows: int | None, files: int | None) -> str:
    """The line that closes a stage, the same in both displays."""
    parts = [f"{label} : {_fr(seconds, 1)} s"]
    if files is not None:
        parts.append(f"{_fr(files)} fichier(s)")
    if rows:
        # a rate only where the person waits for files; other stages show their size
        rate = f" ({_fr(rows / seconds)} lignes/s)" if files and seconds > 0 else ""
        parts.append(f"{_fr(rows)} lignes{rate}")
    return " ; ".join(parts)


class Silent:
    """No display: what the stages see outside `make run`."""

    def stage_started(self, label: str, total: int | None = None) -> None:
        pass

    def advance(self, files: int = 1, rows: int = 0) -> None:
        pass

    def stage_finished(self, label: str, seconds: float, rows: int | None = None) -> None:
        pass


class Lines(Silent):
    """Without a terminal: one line per finished stage, nothing in between."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.files: int | None = None

    def stage_started(self, label: str, total: int | None = None) -> None:
        self.files = 0 if total is not None else None

    def advance(self, files: int = 1, rows: int = 0) -> None:
        if self.files is not None:
            self.files += files

    def stage_finished(self, label: str, seconds: float, rows: int | None = None) -> None:
        print(f"[étape] {stage_line(label, seconds, rows, self.files)}", file=self.out, flush=True)
        self.files = None


class Live(Lines):
    """In a terminal: the running stage with a bar (files n/N, rows per second), and each
    finished stage's duration printed above it."""

    def __init__(self, console=None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = console or Console()
        super().__init__(self.console.file)
        self.rows = 0
        self.started = time.perf_counter()
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.task = None

    def __enter__(self) -> Live:
        self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.stop()

    def stage_started(self, label: str, total: int | None = None) -> None:
        super().stage_started(label, total)
        self.rows, self.started = 0, time.perf_counter()
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(label, total=total, rate="")

    def advance(self, files: int = 1, rows: int = 0) -> None:
        super().advance(files, rows)
        self.rows += rows
        elapsed = time.perf_counter() - self.started
        rate = f"{_fr(self.rows / elapsed)} lignes/s" if elapsed > 0 and self.rows else ""
        self.bar.update(self.task, advance=files, rate=rate)

    def stage_finished(self, label: str, seconds: float, rows: int | None = None) -> None:
        line = stage_line(label, seconds, rows, self.files)
        self.files = None
        if self.task is not None:
            self.bar.remove_task(self.task)
            self.task = None
        self.console.print(f"[green]✓[/green] {line}", markup=True, highlight=False)


_current: Silent = Silent()


def current() -> Silent:
    return _current


@contextmanager
def reporting(reporter: Silent) -> Iterator[Silent]:
    """Make `reporter` the one every stage of this process reports to."""
    global _current
    previous, _current = _current, reporter
    try:
        if isinstance(reporter, Live):
            with reporter:
                yield reporter
        else:
            yield reporter
    finally:
        _current = previous


def for_stream(stream: TextIO) -> Silent:
    """Live display on a terminal, one line per stage otherwise."""
    return Live() if stream.isatty() else Lines(stream)


class Stage:
    """Times one stage and reports it; `metadata()` gives its duration and row count."""

    def __init__(self, label: str, total: int | None = None) -> None:
        self.label, self.total = label, total
        self.rows: int | None = None
        self.seconds = 0.0

    def __enter__(self) -> Stage:
        self.start = time.perf_counter()
        current().stage_started(self.label, self.total)
        return self

    def set_total(self, total: int) -> None:
        """The number of files, once known (the stage reports n/N from then on)."""
        self.total = total
        reporter = current()
        if isinstance(reporter, Live) and reporter.task is not None:
            reporter.bar.update(reporter.task, total=total)
        if isinstance(reporter, Lines) and reporter.files is None:
            reporter.files = 0

    def advance(self, files: int = 1, rows: int = 0) -> None:
        current().advance(files, rows)

    def __exit__(self, exc_type, *_exc) -> None:
        self.seconds = time.perf_counter() - self.start
        if exc_type is None:
            current().stage_finished(self.label, self.seconds, self.rows)

    def metadata(self) -> dict[str, float | int]:
        out: dict[str, float | int] = {"duree_s": round(self.seconds, 3)}
        if self.rows is not None:
            out["lignes"] = int(self.rows)
        return out
