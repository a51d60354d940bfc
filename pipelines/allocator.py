"""How long polars' allocator keeps the memory that frames freed.

polars' allocator (jemalloc) gives freed pages back to the system after half a second
(dirty) or one second (muzzy). The files stage reads, checks and hands over 27 M rows of
a big city frame after frame, and each new frame took its pages from the kernel again,
zeroed: 3.2 M page faults in an empty run. Kept 5 s, they are reused: 2.6 M faults, 1.5
system CPU-s fewer, and an empty run of a big city took a median 39.4 s instead of 40.8 s
(8 alternated pairs; kept for ever: no quicker, 0.3 GB more per process). polars sets its
0.5 s / 1 s in `_RJEM_MALLOC_CONF` when it is imported and appends what the variable held,
which jemalloc then reads once, the last value of an option winning; the run's worker
processes inherit the variable.
"""

from __future__ import annotations

import os

ENV = "_RJEM_MALLOC_CONF"  # polars' jemalloc (prefixed symbols): plain MALLOC_CONF is not read
OPTIONS = "dirty_decay_ms:5000,muzzy_decay_ms:5000"


def keep_freed_pages() -> None:
    """Before polars is imported; options the user set in the environment are kept."""
    os.environ.setdefault(ENV, OPTIONS)
