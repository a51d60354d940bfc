"""A partner resubmits one file: the run rebuilds and validates only what it touches.

Real job (pipeline_complet) in this process on ops_kit's small root, with six more actions
of MLJ (eight in all), so that one action is a small share of the contract: the rows in
force of A1 only are rebuilt (pipelines/ingest/staging.py), the pandera check validates
those rows only, the partner kit (reference unchanged) is linked, not written again, and
so are the validation reports of the files whose report did not change.
"""

from __future__ import annotations

import csv
import shutil

import duckdb
from ops_kit import (
    ASSO1_SEANCES,
    SEANCES_HEADER,
    build_small_root,
    open_readonly,
    run_in_process,
    write_partner_file,
)

from dashboards.site import build_site
from indicators import people_values, session_cells
from indicators.compute import compute_indicators
from pipelines.ingest.reports import write_validation_reports

EMP = "emploi_developpement_economique"


def with_more_actions(root):
    with (root / "reference" / "actions.csv").open("a", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        for i in range(2, 8):
            writer.writerow(
                [f"M{i}", f"Action {i}", "MLJ", EMP, "accompagnement", "01/01/2024", "31/12/2027"]
            )
    return root


def metadata(result, key: str) -> dict:
    """The metadata of the materialization or check evaluation named `key`."""
    found = {}
    for event in result.all_events:
        if event.event_type_value == "ASSET_MATERIALIZATION":
            data = event.event_specific_data.materialization
            name = data.asset_key.to_user_string()
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            data = event.asset_check_evaluation_data
            name = data.check_name
        else:
            continue
        if name == key:
            found = {k: getattr(v, "value", v) for k, v in data.metadata.items()}
    return found


INDICATORS = "SELECT * FROM marts.indicateurs ORDER BY ALL"


def published_indicators(root) -> list[tuple]:
    with open_readonly(root) as con:
        return con.execute(INDICATORS).fetchall()


def indicators_computed_whole(root, tmp_path) -> list[tuple]:
    """marts.indicateurs computed again from scratch, on a copy of the warehouse."""
    copy = tmp_path / "copie.duckdb"
    shutil.copy(root / "warehouse" / "evaluation.duckdb", copy)
    with duckdb.connect(str(copy)) as con:
        steps = [people_values.STEP, session_cells.STEP]
        con.execute("DELETE FROM ingest.build_state WHERE step IN (SELECT unnest(?))", [steps])
        summary = compute_indicators(con)
        assert (summary["valeurs_personnes_reprises"], summary["cellules_seances_actions"]) == (
            False,
            "toutes",
        )
        return con.execute(INDICATORS).fetchall()


def test_one_resubmitted_file_rebuilds_and_validates_its_action_only(tmp_path, monkeypatch):
    root = with_more_actions(build_small_root(tmp_path / "data"))
    first = run_in_process(root, monkeypatch)
    assert metadata(first, "lignes_en_vigueur")["actions_reconstruites"] == "toutes"
    assert metadata(first, "schemas_pandera")["actions_validees"] == "toutes"
    # ops_kit's rows in force: 8 enrolments, 4 sessions, 2 funding lines
    assert metadata(first, "schemas_pandera")["lignes_validees"] == 14

    reports = root / "publish" / "rapports"
    assert metadata(first, "publication")["rapports.pages_reprises"] == 0
    first_pages = {p.name: p.stat().st_ino for p in reports.glob("0*.html")}
    assert len(first_pages) == 4  # ops_kit's four files

    rows = [*ASSO1_SEANCES, ["P002", "A1", "27/01/2025", "present"]]
    write_partner_file(root, "ASSO1/2025/seances_asso1_v2.csv", SEANCES_HEADER, rows)
    second = run_in_process(root, monkeypatch)

    # the replaced sessions file's page changes (no longer in force), the new file gets
    # one; the other three files' pages are the same files, linked
    assert metadata(second, "publication")["rapports.pages_reprises"] == 3
    second_pages = {p.name: p.stat().st_ino for p in reports.glob("0*.html")}
    assert len(second_pages) == 5
    kept = {name for name, inode in second_pages.items() if first_pages.get(name) == inode}
    assert len(kept) == 3
    assert all("seances" not in (reports / name).read_text(encoding="utf-8") for name in kept)
    # and every page and CSV is what a report written whole gives
    with open_readonly(root) as con:
        whole = tmp_path / "whole" / "rapports"  # the site beside it, as in publish/
        write_validation_reports(con, whole, site_dir=tmp_path / "whole" / "tableaux-de-bord")
    for page in whole.glob("0*"):
        assert (reports / page.name).read_bytes() == page.read_bytes(), page.name

    assert metadata(second, "lignes_en_vigueur")["actions_reconstruites"] == "1"
    checked = metadata(second, "schemas_pandera")
    # A1's rows in force: 5 enrolments, 5 sessions, 2 funding lines (M1's 3 are not read)
    assert (checked["actions_validees"], checked["lignes_validees"]) == (1, 12)
    assert metadata(second, "lignes_en_vigueur")["seances"] == 5
    # indicators: the enrolments did not change, A1's sessions did (indicators/)
    computed = metadata(second, "marts/indicateurs")
    assert computed["valeurs_personnes_reprises"] is True
    assert computed["cellules_seances_actions"] == 1
    assert published_indicators(root) == indicators_computed_whole(root, tmp_path)
    assert metadata(second, "publication")["kit-partenaire.reconstruit"] == 0

    # the site: the chart blocks of the scopes whose published rows are the same are taken
    # from the site in force, and every page is what a site rendered whole gives. Of the 15
    # scope pages only A1's rows changed: the attendance of its partner, its pillar and the
    # contract is secret (under the threshold) before and after
    assert metadata(first, "publication")["tableaux-de-bord.pages_graphiques_repris"] == 0
    assert metadata(second, "publication")["tableaux-de-bord.pages_graphiques_repris"] == 14
    site = root / "publish" / "tableaux-de-bord"
    with open_readonly(root) as con:
        whole_site = tmp_path / "whole" / "tableaux-de-bord"
        build_site(con, whole_site, whole, root / "publish" / "telechargements")
    pages = sorted(p.relative_to(whole_site) for p in whole_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        assert (site / page).read_bytes() == (whole_site / page).read_bytes(), page
