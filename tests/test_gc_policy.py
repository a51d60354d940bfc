"""The run's processes collect garbage less often (pipelines/gc_policy.py)."""

from __future__ import annotations

import gc

from pipelines.gc_policy import THRESHOLDS
from pipelines.publish.xlsx_jobs import start_process


def test_a_background_process_starts_with_the_run_policy():
    assert gc.get_threshold() == (700, 10, 10)  # pytest's own process: Python's default
    assert THRESHOLDS[0] > 700
    assert start_process(gc.get_threshold).wait() == [THRESHOLDS]
