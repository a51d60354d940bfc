"""The priority of the run's helper processes.

The partner kit prepared ahead, the published workbooks and the validation reports' pages
are built on their own processes while the run goes on, and waited for only at the end of
the publication. Below the run's own process (nice 0) they take the cores' idle moments;
at the same priority they took half a core from the site's pages, which the publication
waits for last: on a big city's empty warehouse the site ended alone on one core for its
last 1.5-2 s.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.gc_policy import fewer_collections

BACKGROUND_NICENESS = 10


def lower_priority() -> None:
    """This process, every thread it started included: Linux sets a niceness per thread."""
    tasks = Path("/proc/self/task")
    for tid in [int(t) for t in os.listdir(tasks)] if tasks.is_dir() else [0]:
        try:
            os.setpriority(os.PRIO_PROCESS, tid, BACKGROUND_NICENESS)
        except OSError:  # a thread that ended meanwhile
            pass


def background_worker() -> None:
    """Initializer of a helper process, once its code is imported."""
    fewer_collections()
    lower_priority()
