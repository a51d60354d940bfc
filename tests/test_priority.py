"""The run's helper processes (partner kit, workbooks, report pages) run below the run's own
priority (pipelines/priority.py), so that the site's pages, which the publication waits
for last, keep a whole core."""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from pipelines.priority import BACKGROUND_NICENESS, lower_priority
from pipelines.publish import xlsx_jobs
from pipelines.publish.xlsx_jobs import FileJob, start_all, start_process


def niceness(tid: int = 0) -> int:
    return os.getpriority(os.PRIO_PROCESS, tid)


def expected() -> int:
    """A helper cannot be raised above its parent without privileges: it keeps the lower."""
    return max(niceness(), BACKGROUND_NICENESS)


def write_niceness(path: Path) -> None:
    """A module-level writer (picklable for spawn)."""
    Path(path).write_text(str(niceness()), encoding="utf-8")


def threads_niceness_after_lowering() -> list[int]:
    """In a fresh process: a thread started first is lowered with the process."""
    ready, done = threading.Event(), threading.Event()
    tids: list[int] = []

    def wait() -> None:
        tids.append(threading.get_native_id())
        ready.set()
        done.wait()

    thread = threading.Thread(target=wait)
    thread.start()
    ready.wait()
    lower_priority()
    try:
        return [niceness(), niceness(tids[0])]
    finally:
        done.set()
        thread.join()


def test_a_background_process_runs_below_the_run():
    before = niceness()
    assert start_process(niceness).wait() == [expected()]
    assert niceness() == before  # the caller's own priority is left as it was


def test_the_workbooks_are_written_below_the_run(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_jobs, "PARALLEL_FROM_ROWS", 0)  # the worker path, as at scale
    jobs = [FileJob(tmp_path / f"{i}.txt", write_niceness, (), 1) for i in range(2)]
    pending = start_all(jobs, workers=2)
    assert pending.pool is not None
    assert sorted(pending.wait()) == [tmp_path / "0.txt", tmp_path / "1.txt"]
    assert {(tmp_path / f"{i}.txt").read_text() for i in range(2)} == {str(expected())}


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux: niceness per thread")
def test_threads_started_before_are_lowered_too():
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(threads_niceness_after_lowering).result() == [expected()] * 2
