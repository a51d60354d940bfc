"""Fewer garbage collections in the run's processes.

Python's cycle collector makes a young collection every 700 allocations of container
objects and, every hundred of them, a full one over every object alive, the imported
modules and Dagster's definitions included. The run's Python-heavy work (the partner kit's
cells, the site's pages) allocates millions of short-lived objects and makes few cycles:
the collector was 10 % of the partner kit's CPU (5.62 -> 5.08 CPU-s with this policy,
medians of 6 alternated pairs) and 5 % of the site's.
"""

from __future__ import annotations

import gc

# allocations between young collections (Python's default: 700), then how many young ones
# make a middle one and how many middle ones a full one (Python's: 10 and 10)
THRESHOLDS = (50_000, 20, 10)


def fewer_collections() -> None:
    """What is alive now (modules, definitions) is left out of every later collection,
    and collections are made less often. Called once a process has imported its code."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
