"""The partner kit as a publication output (publish/kit-partenaire/).

It depends on the reference only: while the reference (and the code) is that of the kit
in force, the same files are linked into the new generation. Otherwise it is built; for a
big contract (108 partners: 324 workbooks, about 7 CPU-s) ahead of the publication, as
soon as the reference is written (`prepare_ahead`, called by the `referentiel` asset), on
a low-priority process that uses the moments the files stage and the rows in force leave
a core idle; the publication links it, waiting for it if need be (Builder.finish). Built
ahead under publish/.kit-avance/<inputs>/, with the relative layout of a generation, so
its pages link the site as the kit built in a generation does.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import shutil
import signal
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path

import duckdb

from pipelines import freshness, settings
from pipelines.fsutil import link_tree
from pipelines.kit import build_partner_kit
from pipelines.kit.reference import KitReference, kit_reference
from pipelines.priority import BACKGROUND_NICENESS, background_worker
from pipelines.publish.generation import current_generation
from pipelines.publish.xlsx_jobs import Pending, start_process

KIT = "kit-partenaire"
# What the partner kit is made from (pipelines/kit/reference.py), with the code.
KIT_TABLES = ("ref.contrat", "ref.partenaires", "ref.actions", "ref.qpv")
BACKGROUND_FROM_PARTNERS = 20  # fewer: built in place, where a worker would cost more
AHEAD = ".kit-avance"

_ahead: dict[Path, BaseProcess] = {}  # kits being prepared by this process, by folder


def count_partner_kit(reference: KitReference, folder: Path, site_dir: Path) -> int:
    """build_partner_kit on a worker process; returns the number of files written."""
    return len(build_partner_kit(reference, folder, site_dir=site_dir))


def kit_inputs(con: duckdb.DuckDBPyConnection) -> str:
    return freshness.tables_fingerprint(con, KIT_TABLES)


def kit_in_force(con: duckdb.DuckDBPyConnection, publish: Path, inputs: str) -> Path | None:
    """The folder of the kit in force, when it was built from `inputs`."""
    previous = current_generation(publish)
    built = freshness.last_build(con, KIT, inputs)
    if previous is None or (built or {}).get("generation") != previous.name:
        return None
    return previous / KIT


def prepare_ahead(con: duckdb.DuckDBPyConnection, root: Path) -> str:
    """Start building the kit of the reference in ref.* on a low-priority process, when the
    next publication would build it and it is big. Returns what was done (metadata)."""
    publish = root / "publish"
    inputs = kit_inputs(con)
    if kit_in_force(con, publish, inputs) is not None:
        return "en vigueur"
    target = publish / AHEAD / inputs
    running = _ahead.get(target)
    if target.is_dir() or (running is not None and running.is_alive()):
        return "en cours"
    reference = kit_reference(con)
    if reference.partenaires.height < BACKGROUND_FROM_PARTNERS:
        return "à la publication"
    _drop_ahead(publish)
    site = settings.publish_dirs(root)["site"].name
    process = multiprocessing.get_context("spawn").Process(
        target=_build_ahead, args=(reference, target, site, os.getpid()), daemon=True
    )
    process.start()
    # below the run's own work from its start (its imports included), not once it runs our
    # code: it takes the cores' idle moments, and about a tenth of a core when none is idle
    os.setpriority(os.PRIO_PROCESS, process.pid, BACKGROUND_NICENESS)
    _ahead[target] = process
    return "en cours"


def _build_ahead(reference: KitReference, target: Path, site: str, parent: int) -> None:
    _die_with(parent)
    background_worker()
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    written = build_partner_kit(reference, tmp / KIT, site_dir=tmp / site)
    if all(path.is_file() for path in written):  # whole, or not published
        os.replace(tmp, target)


def _die_with(parent: int) -> None:
    """A kill -9 of the run stops its kit too (Linux), which could otherwise finish later
    into a folder the next run has cleared."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # died before the line above
        os._exit(1)


def _drop_ahead(publish: Path) -> None:
    """Kits prepared ahead for another reference, or left by a killed run."""
    for process in _ahead.values():
        process.kill()
        process.join()
    _ahead.clear()
    shutil.rmtree(publish / AHEAD, ignore_errors=True)


@dataclass
class AheadKit:
    """A kit prepared ahead (or still being prepared), linked into `folder` by `wait()`;
    None when its preparation failed."""

    target: Path
    folder: Path
    process: BaseProcess | None

    def wait(self) -> tuple[int | None]:
        if self.process is not None:
            self.process.join()
        if not self.target.is_dir():
            return (None,)
        linked = link_tree(self.target / KIT, self.folder)
        shutil.rmtree(self.target.parent, ignore_errors=True)  # with any leftover
        return (linked,)

    def cancel(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            self.process.join()


def _ahead_of(publish: Path, inputs: str, folder: Path) -> AheadKit | None:
    target = publish / AHEAD / inputs
    process = _ahead.pop(target, None)
    if process is not None and process.is_alive():
        try:  # the publication waits for it now: its main thread, where its work is, gets
            os.setpriority(os.PRIO_PROCESS, process.pid, 0)  # its own share of the cores
        except OSError:  # lowering a niceness needs privileges: it keeps its own
            pass
        return AheadKit(target, folder, process)
    return AheadKit(target, folder, None) if target.is_dir() else None


class KitOutput:
    """`build` links, builds, or starts building the kit; `finish` waits for the latter.
    `background` is shared with the other builders, which cancel it when they fail."""

    def __init__(self, con: duckdb.DuckDBPyConnection, background: list[Pending], site: str):
        self.con, self.background, self.site = con, background, site
        self.inputs, self.generation, self.pending = "", "", None
        self.folder = self.site_dir = None

    def build(self, folder: Path, generation: Path) -> dict:
        self.inputs = kit_inputs(self.con)
        self.generation = generation.name
        publish = generation.parent.parent
        in_force = kit_in_force(self.con, publish, self.inputs)
        if in_force is not None:
            # the reference has not changed since the kit in force: the same files, linked
            # (and recorded as this generation's, for the next publication to link them)
            linked = link_tree(in_force, folder)
            self._record()
            return {"fichiers": linked, "reconstruit": 0}
        # per partner: XLSX templates and the partner guide, linked to this generation's site
        self.folder, self.site_dir = folder, generation / self.site
        self.pending = _ahead_of(publish, self.inputs, folder)
        if self.pending is not None:
            self.background.append(self.pending)
            return {"prepare_en_avance": 1}
        _drop_ahead(publish)
        reference = kit_reference(self.con)
        if reference.partenaires.height < BACKGROUND_FROM_PARTNERS:
            written = build_partner_kit(reference, folder, site_dir=self.site_dir)
            self._record()
            return {"fichiers": len(written)}
        self.pending = start_process(count_partner_kit, reference, folder, self.site_dir)
        self.background.append(self.pending)
        return {}

    def finish(self) -> dict:
        if self.pending is None:
            return {}
        (written,) = self.pending.wait()
        self.pending = None
        if written is None:  # its preparation ahead failed: built here, as it would have been
            reference = kit_reference(self.con)
            written = len(build_partner_kit(reference, self.folder, site_dir=self.site_dir))
        self._record()
        return {"fichiers": written}

    def _record(self) -> None:
        freshness.record(self.con, KIT, self.inputs, {"generation": self.generation})
