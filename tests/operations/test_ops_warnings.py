"""A file's warnings are counted the same way by every output: its validation report, the
site's table of files and the asset metadata (staging.file_warning_counts).

On ops_kit's small root plus two MLJ files, counted by hand:
- participants_mlj2.csv (2025-S1): P008's freins 'permis' is no frein code -> 1 warning of
  the file itself (row kept, value dropped);
- seances_mlj.csv: P009 has a session at M1 but no enrolment anywhere -> 1 cross-file
  warning 'seance_sans_inscription', added by the staging stage.
"""

from __future__ import annotations

import re

from ops_kit import (
    PARTICIPANTS_HEADER,
    SEANCES_HEADER,
    build_small_root,
    open_readonly,
    query,
    run_in_process,
    write_partner_file,
)

from dashboards import data as site_data

OWN = "MLJ/2025-S1/participants_mlj2.csv"
CROSS = "MLJ/2025/seances_mlj.csv"


def test_every_output_counts_a_files_warnings_alike(tmp_path, monkeypatch):
    root = build_small_root(tmp_path / "data")
    write_partner_file(
        root,
        OWN,
        PARTICIPANTS_HEADER,
        [["P008", "M1", "02/02/2025", "", "", "H", "1995", "QN01404M", "bac", "oui", "permis", ""]],
    )
    write_partner_file(root, CROSS, SEANCES_HEADER, [["P009", "M1", "12/05/2025", "present"]])

    result = run_in_process(root, monkeypatch)

    expected = {OWN: 1, CROSS: 1}
    origins = query(
        root,
        "SELECT f.source_path, w.origine FROM staging.file_warnings w JOIN ingest.files f "
        "USING (file_id) ORDER BY 1",
    )
    assert origins == [(OWN, "fichier"), (CROSS, "inter_fichiers")]  # "-" sorts before "/"
    # validation report of each file
    ids = dict(query(root, "SELECT source_path, file_id FROM ingest.files"))
    for path, n in expected.items():
        page = (root / "publish" / "rapports" / f"{ids[path]}.html").read_text(encoding="utf-8")
        assert re.search(rf"Avertissements \(lignes conservées\) \({n}\)", page), path
    # what the site shows in its table of files in force
    con = open_readonly(root)
    try:
        files = site_data.load(con).files
    finally:
        con.close()
    by_kind = {
        (r["periode"], r["kind"]): r["rows_warned"]
        for r in files.filter(files["code_partenaire"] == "MLJ").iter_rows(named=True)
    }
    assert by_kind == {("2025", "participants"): 0, ("2025-S1", "participants"): 1,
                       ("2025", "seances"): 1}  # fmt: skip
    # the metadata of the staging asset
    staging = result.asset_materializations_for_node("lignes_en_vigueur")[0]
    table = staging.metadata["avertissements_par_fichier"].value
    for path, n in expected.items():
        assert f"| {path} | {n} |" in table, table
