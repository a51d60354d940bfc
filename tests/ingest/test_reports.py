"""Validation reports: French content, escaping of partner text, Excel-safe CSV, atomic folder."""

from __future__ import annotations

import csv
import re

import pytest
from ingest_kit import PARTICIPANTS_HEADER, drop, make_warehouse, participant, rows, run

from pipelines.ingest import reports
from pipelines.ingest.reports import write_validation_reports

T0 = 1_735_689_600
H = PARTICIPANTS_HEADER
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def wh(tmp_path):
    root, con = make_warehouse(tmp_path)
    yield root, con
    con.close()


def file_ids(con) -> dict[str, str]:
    return dict(rows(con, "SELECT source_path, file_id FROM ingest.files"))


def read(path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture
def reported(wh, write_csv):
    """Run 1: an accepted file with two rejected rows (markup, formula) and a markup name,
    a file refused for missing columns, a file of an unknown partner."""
    root, con = wh
    drop(
        write_csv,
        root,
        "ASSO1/2025/participants_<b>.csv",
        H,
        [
            participant("P001", "A1", "10/03/2025"),
            participant("P002", "A1", "10/03/2025", sexe=SCRIPT),
            participant("P003", "A1", "10/03/2025", sexe="=1+1"),
        ],
        T0,
    )
    drop(write_csv, root, "ASSO1/2025-S1/participants.csv", H[:2], [["P001", "A1"]], T0 + 1)
    drop(
        write_csv,
        root,
        "INCONNU/2025/participants.csv",
        H,
        [participant("P1", "A1", "10/03/2025")],
        T0 + 2,
    )
    run(con, root, "run-1")
    out = root / "publish" / "rapports"
    written = write_validation_reports(con, out, run_id="run-1")
    return root, con, out, written


def test_one_page_and_one_csv_per_file_plus_the_index(reported):
    _, con, out, written = reported
    ids = sorted(file_ids(con).values())
    assert len(ids) == 3
    expected = {f"{i}.html" for i in ids} | {f"{i}-rejets.csv" for i in ids} | {"index.html"}
    expected.add("suivi-remontees.html")  # (v2) report follow-up, beside the reports
    assert {p.name for p in written} == expected
    assert {p.name for p in out.iterdir()} == expected
    assert all(p.parent == out for p in written)


def test_accepted_file_page_escapes_partner_text_and_shows_counts(reported):
    _, con, out, _ = reported
    page = read(out / f"{file_ids(con)['ASSO1/2025/participants_<b>.csv']}.html")

    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Rapport de validation : participants_&lt;b&gt;.csv" in page
    assert "Association Élan" in page
    assert '<span class="statut accepte">Accepté</span>' in page
    assert "Oui : c&#x27;est la version en vigueur" not in page  # our own text is not escaped
    assert "Oui : c'est la version en vigueur" in page
    for label, value in [
        ("Lignes lues", 3),
        ("Lignes acceptées", 1),
        ("Lignes rejetées", 2),
        ("Lignes ignorées (lignes « Total »)", 0),
        ("Avertissements", 0),
    ]:
        assert f'<tr><th>{label}</th><td class="n">{value}</td></tr>' in page
    assert "<h2>Lignes rejetées (2)</h2>" in page
    assert re.search(
        r'<td class="n">4</td><td>sexe</td><td>=1\+1</td><td>valeur_invalide</td>', page
    )
    # self-contained: inline style, nothing fetched from the network
    assert "<style>" in page and "http://" not in page and "https://" not in page
    assert "<link" not in page and "src=" not in page


def test_refused_pages_give_the_french_reason(reported):
    _, con, out, _ = reported
    ids = file_ids(con)
    missing = read(out / f"{ids['ASSO1/2025-S1/participants.csv']}.html")
    assert '<span class="statut refuse">Refusé</span>' in missing
    assert "Motif du refus :</strong> Colonne(s) obligatoire(s) absente(s)" in missing
    assert "Aucune version acceptée n&#x27;est en vigueur" not in missing
    assert "Aucune version acceptée n'est en vigueur pour ce partenaire" in missing
    unknown = read(out / f"{ids['INCONNU/2025/participants.csv']}.html")
    assert "Dossier partenaire inconnu : « INCONNU »." in unknown


def test_rejections_csv_opens_in_french_excel_without_formulas(reported):
    _, con, out, _ = reported
    path = out / f"{file_ids(con)['ASSO1/2025/participants_<b>.csv']}-rejets.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert table[0] == ["Ligne", "Colonne", "Valeur reçue", "Règle", "Message"]
    assert [r[:4] for r in table[1:]] == [
        ["3", "sexe", SCRIPT, "valeur_invalide"],
        ["4", "sexe", "'=1+1", "valeur_invalide"],
    ]
    assert table[2][4].startswith("sexe")


def test_index_lists_the_run_then_every_file_newest_first(reported, write_csv):
    root, con, out, _ = reported
    index = read(out / "index.html")
    assert "<h2>Fichiers traités lors de cette exécution (3)</h2>" in index
    assert "participants_&lt;b&gt;.csv</a>" in index and "<b>" not in index

    # run 2: a resubmission of the accepted slot; run 1's files are all kept in the overview
    drop(
        write_csv,
        root,
        "ASSO1/2025/participants_v2.csv",
        H,
        [participant("P001", "A1", "10/03/2025")],
        T0 + 10,
    )
    run(con, root, "run-2")
    write_validation_reports(con, out)  # run_id defaults to the latest run
    index = read(out / "index.html")
    ids = file_ids(con)
    assert "<h2>Fichiers traités lors de cette exécution (1)</h2>" in index
    everything = index.split("Tous les fichiers reçus")[1]
    positions = [
        everything.index(f'href="{ids[p]}.html"')
        for p in (
            "ASSO1/2025/participants_v2.csv",
            "INCONNU/2025/participants.csv",
            "ASSO1/2025-S1/participants.csv",
            "ASSO1/2025/participants_<b>.csv",
        )
    ]
    assert positions == sorted(positions)
    old = read(out / f"{ids['ASSO1/2025/participants_<b>.csv']}.html")
    assert "Non : remplacé par un envoi plus récent, « ASSO1/2025/participants_v2.csv »" in old

    # run 3: nothing new
    run(con, root, "run-3")
    write_validation_reports(con, out, run_id="run-3")
    index = read(out / "index.html")
    assert "Aucun nouveau fichier lors de cette exécution" in index
    assert "(4)</h2>" in index


def test_identical_file_page_says_nothing_changed(wh, write_csv):
    root, con = wh
    v1 = drop(
        write_csv,
        root,
        "ASSO1/2025/participants.csv",
        H,
        [participant("P001", "A1", "10/03/2025")],
        T0,
    )
    copy = root / "incoming/ASSO1/2025/participants (1).csv"
    copy.write_bytes(v1.read_bytes())
    run(con, root, "r1")  # the copy is newer (written after): identical to v1, in force
    out = root / "publish" / "rapports"
    write_validation_reports(con, out, "r1")
    page = read(out / f"{file_ids(con)['ASSO1/2025/participants (1).csv']}.html")
    assert "Identique à la version en vigueur" in page
    assert "même empreinte sha256" in page and "rien n'a changé" in page


def test_reports_folder_is_replaced_whole(wh, tmp_path):
    root, con = wh
    out = root / "publish" / "rapports"
    out.mkdir(parents=True)
    (out / "ancien.html").write_text("ancien")
    written = write_validation_reports(con, out)
    assert [p.name for p in written] == ["index.html", "suivi-remontees.html"]
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "suivi-remontees.html"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["rapports"]  # no temp folder left
    assert "Aucun nouveau fichier" in read(out / "index.html")


def test_warnings_have_their_own_excel_csv_linked_from_the_page(wh, write_csv):
    root, con = wh
    with_bad_frein = participant("P001", "A1", "10/03/2025")
    with_bad_frein[10] = "mobilite;permis"  # 'permis' is no frein of the contract
    drop(write_csv, root, "ASSO1/2025/participants.csv", H, [with_bad_frein], T0)
    run(con, root, "run-1")
    out = root / "publish" / "rapports"
    write_validation_reports(con, out, run_id="run-1")
    (file_id,) = file_ids(con).values()
    page = read(out / f"{file_id}.html")
    assert f'<a href="{file_id}-avertissements.csv" download>' in page
    with open(out / f"{file_id}-avertissements.csv", encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f, delimiter=";"))
    assert len(lines) == 2  # header + the one warning, on the partner's row 2
    assert lines[1][0] == "2" and "permis" in lines[1][2]


def test_a_publication_renders_many_pages_on_a_worker_process_the_same(reported, monkeypatch):
    """A publication with many pages to render hands them to a worker process and writes
    the rest meanwhile (a generation is read only once switched in): the same files."""
    root, con, out, written = reported
    monkeypatch.setattr(reports, "PAGES_ON_A_WORKER", 3)
    background = []
    elsewhere = root / "publish" / ".generations" / "g" / "rapports"

    on_worker = write_validation_reports(con, elsewhere, run_id="run-1", background=background)

    assert len(background) == 1  # the three files' pages, on one worker
    assert background[0].wait() == [3]
    assert sorted(p.name for p in on_worker) == sorted(p.name for p in written)
    dated = {"index.html", "suivi-remontees.html"}  # they show when they were written
    pages = {p.name: p.read_bytes() for p in elsewhere.iterdir() if p.name not in dated}
    assert pages == {p.name: p.read_bytes() for p in out.iterdir() if p.name not in dated}
    assert sum(name.endswith(".html") for name in pages) == 3
