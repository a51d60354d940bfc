"""kill -9 of `python -m pipelines.cli run` while loading and while publishing.

After each kill the next run completes; the final indicators equal, row for row, those
of an uninterrupted run on the same files; the publication (site, downloads, reports) is
always one complete version of one run (the previous one while a new one is being built),
and no half-built generation is left behind once a run has completed.
"""

from __future__ import annotations

import shutil

from conftest import copy_inputs
from ops_kit import (
    PUBLIC_FOLDERS,
    archived_files,
    dagster_home,
    indicator_table,
    kill_when,
    publication,
    query,
    run_cli,
    start_cli,
    tree,
)

from pipelines import cli
from pipelines.ingest import batch
from pipelines.publish.generation import GENERATIONS, current_generation

LATE_FILE = "MEFAC/2026-S1/participants_2026-S1.csv"  # arrives between the two kills
PUBLIC = PUBLIC_FOLDERS


def generations_of_public_folders(root) -> set:
    """The generation each public folder belongs to: always one for all of them."""
    return {(root / "publish" / name).resolve().parent for name in PUBLIC}


def building(root, name: str) -> bool:
    """A generation other than the current one already holds the folder `name`."""
    publish = root / "publish"
    current = current_generation(publish)
    try:
        return any(
            g.resolve() != current and (g / name).exists()
            for g in (publish / GENERATIONS).iterdir()
        )
    except OSError:  # the run is removing a generation meanwhile
        return False


def test_runs_killed_while_loading_and_while_publishing_recover(
    demo_inputs, demo_reference, tmp_path
):
    root = copy_inputs(demo_inputs, tmp_path / "data")
    home = dagster_home(tmp_path / "dagster_home")
    incoming = root / "incoming"
    late_aside = tmp_path / "late.csv"
    shutil.move(incoming / LATE_FILE, late_aside)
    received = sum(1 for p in incoming.rglob("*") if p.is_file())
    site = root / "publish" / "tableaux-de-bord"

    # 1. Killed while loading, 30 files archived: the batches before the one being archived
    # (files_per_batch files at most, pipelines/ingest/batch.py: 16 here) are committed; not
    # all files are.
    log = tmp_path / "run1.log"
    kill_when(start_cli(root, home, log), lambda: archived_files(root) >= 30, log)
    loaded = query(root, "SELECT count(*) FROM ingest.files")[0][0]
    assert batch.files_per_batch(received) == 16
    assert 30 - 16 <= loaded < received, loaded
    assert not site.exists()

    # 2. The next run takes up where it stopped: every file once, the site published.
    first = run_cli(root, home)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert query(root, "SELECT count(*), count(DISTINCT source_path) FROM ingest.files") == [
        (received, received)
    ]
    published = tree(site)
    assert "index.html" in published

    # 3. A new file arrives; runs are killed while they build each output in turn.
    shutil.move(late_aside, incoming / LATE_FILE)
    published_all = publication(root)
    assert len(generations_of_public_folders(root)) == 1
    kept = []
    for name in PUBLIC:
        log = tmp_path / f"run3-{name}.log"
        kill_when(start_cli(root, home, log), lambda name=name: building(root, name), log)
        seen = publication(root)
        # one run's publication, whole: the three folders come from one generation
        assert len(generations_of_public_folders(root)) == 1, name
        kept.append(seen == published_all)
        assert (root / "publish" / "rapports" / "index.html").is_file()
        after_kill = tree(site)

    # 4. The next run completes: the same indicators as a run never interrupted.
    last = run_cli(root, home)
    assert last.returncode == 0, last.stdout[-3000:] + last.stderr[-3000:]
    assert indicator_table(root) == demo_reference["indicateurs"]
    assert (
        query(root, "SELECT source_path, status FROM ingest.files ORDER BY 1")
        == (demo_reference["files"])
    )
    for kind, rows in demo_reference["staging"].items():
        assert query(root, f"SELECT count(*) FROM staging.{kind}")[0][0] == rows, kind
    new_site = tree(site)
    assert "index.html" in new_site and new_site != published
    # Killed while building: the previous complete version was still published (or, had the
    # kill come just after the switch, the new one, complete).
    assert after_kill == published or set(after_kill) == set(new_site)
    assert kept[:2] == [True, True]  # killed while downloads then reports were being built
    # no partial generation left: only the current one
    publish = root / "publish"
    assert [g.resolve() for g in (publish / GENERATIONS).iterdir()] == [current_generation(publish)]
    assert sorted(p.name for p in publish.iterdir()) == [".courant", GENERATIONS, *sorted(PUBLIC)]


def test_a_home_of_the_former_cli_is_upgraded_and_its_stuck_pool_slot_freed(tmp_path, monkeypatch):
    """Homes written with `pools: default_limit: 1` kept the slot of a killed run forever
    and every later run waited for it: prepare_dagster_home frees it."""
    import dagster as dg

    home = tmp_path / "home"
    home.mkdir()
    former = cli.INSTANCE_YAML.replace(
        "    max_concurrent_runs: 1\n",
        "    max_concurrent_runs: 1\n  pools:\n    default_limit: 1\n",
    )
    (home / "dagster.yaml").write_text(former, encoding="utf-8")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        storage.initialize_concurrency_limit_to_default("warehouse")
        claim = storage.claim_concurrency_slot("warehouse", "killed-run", "fichiers_partenaires")
        assert claim.is_claimed
        assert storage.get_concurrency_run_ids() == {"killed-run"}

    cli.prepare_dagster_home()

    assert (home / "dagster.yaml").read_text(encoding="utf-8") == cli.INSTANCE_YAML
    with dg.DagsterInstance.get() as instance:
        assert instance.global_op_concurrency_default_limit is None
        assert instance.event_log_storage.get_concurrency_run_ids() == set()
