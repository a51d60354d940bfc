"""A fault of the pipeline fails the run loudly; a partner's fault stays a refusal.

Real job (pipeline_complet) in this process on the small hand-made root of ops_kit; the
internal step is broken with monkeypatch, as a bug would break it.
"""

from __future__ import annotations

import dagster as dg
import pandera.polars as pa
from ops_kit import build_small_root, publication, query, run_in_process

from pipelines.ingest import schemas


def run_job(root, monkeypatch):
    """pipeline_complet, whatever its outcome: (result, {step key: succeeded})."""
    from pipelines.definitions import defs

    monkeypatch.setenv("EVAL_DATA_DIR", str(root))
    job = defs().resolve_job_def("pipeline_complet")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    steps = {}
    for event in result.all_events:
        if event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            steps[event.step_key] = event.event_type_value == "STEP_SUCCESS"
    return result, steps


def check_results(result) -> dict[str, bool]:
    """{check name: passed} of a run's asset check evaluations."""
    return {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def test_a_bug_in_an_internal_step_fails_the_run_and_publishes_nothing(tmp_path, monkeypatch):
    root = build_small_root(tmp_path / "data")

    def broken_rules(*args, **kwargs):
        raise RuntimeError("règle cassée par un bogue")

    with monkeypatch.context() as broken:
        broken.setattr("pipelines.ingest.parse.validate_together", broken_rules)
        result, steps = run_job(root, broken)

    assert not result.success
    assert steps["fichiers_partenaires"] is False
    # nothing downstream ran, nothing was published, no file was refused in the partner's name
    assert "marts__indicateurs" not in steps and "publication" not in steps
    assert publication(root) == {}
    assert query(root, "SELECT count(*) FROM ingest.files WHERE status = 'refuse'") == [(0,)]

    # Once the bug is fixed, the next run reads every file and publishes.
    run_in_process(root, monkeypatch)
    assert query(root, "SELECT status, count(*) FROM ingest.files GROUP BY ALL") == [
        ("accepte", 4)  # GOOD_FILES: 4 files
    ]
    assert (root / "publish" / "tableaux-de-bord" / "index.html").is_file()


def test_rows_in_force_breaking_the_pandera_schema_stop_the_publication(tmp_path, monkeypatch):
    root = build_small_root(tmp_path / "data")
    run_in_process(root, monkeypatch)
    published = publication(root)
    assert "tableaux-de-bord/index.html" in published

    # stands for rules and schema drifting apart (schemas are generated from the contract)
    only_present = schemas.SCHEMAS["seances"].update_column(
        "presence", checks=[pa.Check.isin(["present"])]
    )
    strict = {**schemas.SCHEMAS, "seances": only_present}
    with monkeypatch.context() as drifted:
        drifted.setattr("pipelines.ingest.schemas.SCHEMAS", strict)
        # a drift comes with a code change, which the check's fingerprint sees (a rerun with
        # the same code and rows skips it)
        drifted.setattr("pipelines.freshness.code_fingerprint", lambda: "code modifié")
        result, steps = run_job(root, drifted)

    assert not result.success
    checks = check_results(result)
    # ASSO1's sessions hold one 'absent' and one 'excuse' row (ops_kit): the check fails
    assert checks["schemas_pandera"] is False
    assert steps.get("marts__indicateurs") is not True
    assert steps.get("publication") is not True
    assert publication(root) == published


def test_a_broken_indicator_invariant_fails_its_step_and_stops_the_publication(
    tmp_path, monkeypatch
):
    """The four invariants of marts.indicateurs are checked inside its step (blocking)."""
    root = build_small_root(tmp_path / "data")
    run_in_process(root, monkeypatch)
    published = publication(root)

    def one_violation(con):
        return [{"code_indicateur": "beneficiaires_uniques", "probleme": "ligne manquante"}]

    with monkeypatch.context() as broken:
        broken.setattr("indicators.checks.CHECKS", {
            "parts_entre_0_et_100": lambda con: [], "comptes_distincts_bornes": lambda con: [],
            "numerateur_inferieur_au_denominateur": lambda con: [],
            "grille_complete": one_violation,
        })  # fmt: skip
        broken.setattr("pipelines.freshness.code_fingerprint", lambda: "code modifié")
        result, steps = run_job(root, broken)

    assert not result.success
    checks = check_results(result)
    assert checks["grille_complete"] is False
    assert checks["parts_entre_0_et_100"] is True
    assert steps.get("marts__indicateurs") is False
    assert steps.get("publication") is not True
    assert publication(root) == published


def test_a_corrupt_workbook_is_recorded_once_over_three_runs(tmp_path, monkeypatch):
    """Regression: re-read, re-recorded and given a new report page at every run."""
    root = build_small_root(tmp_path / "data")
    corrupt = root / "incoming" / "MLJ" / "2025" / "seances_mlj.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 pas un vrai classeur")

    for _ in range(3):
        run_in_process(root, monkeypatch)

    records = query(
        root,
        "SELECT file_id, status, refusal_rule FROM ingest.files WHERE kind = 'seances' "
        "AND code_partenaire = 'MLJ'",
    )
    assert [r[1:] for r in records] == [("refuse", "illisible")]
    reports = root / "publish" / "rapports"
    # every page but the overview and (v2) the report follow-up
    overview = ("index.html", "suivi-remontees.html")
    pages = [p.name for p in reports.glob("*.html") if p.name not in overview]
    assert pages.count(f"{records[0][0]}.html") == 1
    assert len(pages) == 5  # 4 good files + the corrupt one, each once
