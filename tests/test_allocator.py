"""polars' allocator keeps freed pages for 5 s in the run's processes (pipelines/allocator.py):
the option is set when the package is imported, before polars, and reaches jemalloc."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipelines.allocator import ENV, OPTIONS

ROOT = Path(__file__).resolve().parents[1]
FRAME = "import polars as pl; pl.DataFrame({'a': [1, 2]}).sum()"
PRINT_OPTIONS = f"os.environ['{ENV}'] += ',stats_print:true'"  # printed as the process ends


def python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k != ENV}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )


def test_the_package_sets_the_option_before_polars_is_loaded():
    out = python(f"import os, sys, pipelines; print(os.environ['{ENV}'], 'polars' in sys.modules)")
    assert out.stdout.split() == [OPTIONS, "False"]


def test_an_option_set_by_the_user_is_kept():
    out = python(f"import os, pipelines; print(os.environ['{ENV}'])", **{ENV: "dirty_decay_ms:0"})
    assert out.stdout.strip() == "dirty_decay_ms:0"


def test_polars_allocator_reads_it():
    err = python(f"import os, pipelines; {PRINT_OPTIONS}; {FRAME}").stderr
    assert "opt.dirty_decay_ms: 5000 " in err
    assert "opt.muzzy_decay_ms: 5000 " in err


def test_without_it_polars_gives_pages_back_within_a_second():
    """What the option changes (polars' own settings): a polars that changes them is noticed."""
    err = python(f"import os; os.environ['{ENV}'] = 'stats_print:true'; {FRAME}").stderr
    assert "opt.dirty_decay_ms: 500 " in err
    assert "opt.muzzy_decay_ms: 1000 " in err
