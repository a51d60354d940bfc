"""The proof of the review pack on a real contract through the real Dagster pipeline:
freeze, resubmit a partner file, run again, freeze again, compare.

Hand derivations (demo files, see revue_kit):
- MEFAC's 2025 funding report gives EMP-04 four 2025 lines: 9 203,24 (epci) + 4 700,00 +
  5 800,00 + 2 484,00 = 22 187,24 €; the resubmission raises the EPCI line by 1 000 €:
  23 187,24 €. Only funding indicators can change.
- Files: MEFAC and MOBILAGGLO send 3 kinds for 2024, 2025, 2026-S1 = 18 files; FJTET 12
  (2024: 3, 2025-S1: 3 + a resubmitted participants report, 2025-S2: 2, 2026-S1: 3) = 30
  received. Not in force: the refused MOBILAGGLO/2025/financements (no granted amount) and
  FJTET's replaced 2025-S1 participants report: 28 in force at the first freeze.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader
from revue_kit import (
    CONTRAT,
    ORIGINAL,
    REFUSED,
    RESUBMITTED,
    SCRIPT,
    freeze_with_dagster,
    make_root,
    query,
    resubmit,
    run_pipeline,
)

from pipelines.revue.compare import changed_cells, find_pack, write_comparison

LABEL_A = "COPIL du 15 mars 2027"
LABEL_B = "COPIL du 15 mars 2027 – après correction"
NNBSP, NBSP = "\u202f", "\u00a0"
FUNDING = {
    "financement_total", "part_pluriannuel", "part_credits_specifiques",
    "part_premier_financeur", "part_financement_securise_n1", "cout_par_beneficiaire",
    "cout_par_sortie_positive",
}  # fmt: skip


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _text(s: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", s).split())


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    root = make_root(tmp_path_factory.mktemp("revue"))
    run_pipeline(root)
    first = freeze_with_dagster(root, LABEL_A)
    assert first.success
    revues = root / "publish" / "revues"
    pack_a = find_pack(revues, LABEL_A).path
    before = _snapshot(pack_a)
    live_before = (root / "publish" / "telechargements" / "indicateurs.csv").read_bytes()
    resubmit(root)
    run_pipeline(root)
    again = freeze_with_dagster(root, LABEL_A.upper())
    second = freeze_with_dagster(root, LABEL_B)
    assert second.success
    pack_b = find_pack(revues, LABEL_B).path
    page = write_comparison(revues, pack_a.name, pack_b.name)
    return {
        "root": root, "a": pack_a, "b": pack_b, "before": before, "again": again,
        "live_before": live_before, "page": page,
    }  # fmt: skip


def test_pack_holds_document_tables_vintage_and_manifest(story):
    a = story["a"]
    assert a.name.endswith("-copil-du-15-mars-2027")
    files = set(story["before"])
    funder_extracts = {f for f in files if f.startswith("tables/financeurs/")}
    assert files - funder_extracts == {
        "revue.html", "revue.pdf", "millesime.json", "MANIFEST.sha256",
        "tables/indicateurs.csv", "tables/indicateurs.xlsx", "tables/indicateurs.parquet",
        "tables/definitions.csv", "tables/modalites.csv",
    }  # fmt: skip
    # the 10 funders named in the funding reports of MEFAC, MOBILAGGLO and FJTET: three files
    # each (funding lines, indicators, workbook), plus the shared definitions and labels
    funders = ("bailleur", "caf", "commune", "departement", "epci", "etat_bop147",
               "etat_droit_commun", "france_travail", "prive", "region")  # fmt: skip
    assert funder_extracts == {
        f"tables/financeurs/{name}"
        for f in funders
        for name in (f"{f}-financements.csv", f"{f}-indicateurs.csv", f"{f}.xlsx")
    } | {"tables/financeurs/definitions.csv", "tables/financeurs/modalites.csv"}
    assert len(funder_extracts) == 32
    manifest = (a / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    assert sorted(line.split("  ", 1)[1] for line in manifest) == sorted(
        files - {"MANIFEST.sha256"}
    )
    meta = json.loads((a / "millesime.json").read_text(encoding="utf-8"))
    assert meta["libelle"] == LABEL_A and meta["contrat"]["libelle"] == CONTRAT
    assert meta["date_arrete"] and meta["version_produit"].startswith("0.1.0")
    assert len(meta["fichiers_recus"]) == 30 and len(meta["fichiers_en_vigueur"]) == 28
    # the fingerprint: sha256 of the sorted sha256 of the accepted files in force, computed
    # here from the partner files themselves
    incoming = story["root"] / "incoming"
    hashes = sorted(
        hashlib.sha256((incoming / f["source_path"]).read_bytes()).hexdigest()
        for f in meta["fichiers_en_vigueur"]
    )
    assert meta["empreinte"] == hashlib.sha256("\n".join(hashes).encode()).hexdigest()
    assert meta["date_reception_max"] == max(f["received_at"] for f in meta["fichiers_en_vigueur"])


def test_pack_is_never_touched_while_the_live_site_changes(story):
    a, root = story["a"], story["root"]
    assert _snapshot(a) == story["before"]
    check = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=a, capture_output=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert all(not (p.stat().st_mode & 0o222) for p in a.rglob("*") if p.is_file())
    live = root / "publish" / "telechargements" / "indicateurs.csv"
    assert live.read_bytes() != story["live_before"]
    # EMP-04, 2025: 22 187,24 € frozen, 23 187,24 € live (see the module docstring)
    frozen = pl.read_parquet(a / "tables" / "indicateurs.parquet").filter(
        (pl.col("code_indicateur") == "financement_total") & (pl.col("perimetre_code") == "EMP-04")
        & (pl.col("periode") == "2025") & (pl.col("ventilation") == "ensemble")
    )  # fmt: skip
    assert frozen["valeur"].to_list() == [pytest.approx(22187.24)]
    [(now,)] = query(
        root,
        "SELECT valeur FROM marts.indicateurs_publies WHERE code_indicateur='financement_total' "
        "AND perimetre_code='EMP-04' AND periode='2025' AND ventilation='ensemble'",
    )
    assert now == pytest.approx(23187.24)


def test_same_label_is_refused_in_french(story):
    result = story["again"]
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    message = failure.step_failure_data.user_failure_data.description
    assert "est déjà figée" in message and story["a"].name in message
    names = sorted(p.name for p in story["a"].parent.iterdir())
    assert names == sorted([story["a"].name, story["b"].name, "comparaisons"])


def test_comparison_names_the_changed_indicator_and_the_files(story):
    a, b = story["a"], story["b"]
    cells = changed_cells(
        pl.read_parquet(a / "tables" / "indicateurs.parquet"),
        pl.read_parquet(b / "tables" / "indicateurs.parquet"),
    )
    codes = set(cells["code_indicateur"])
    assert "financement_total" in codes and codes <= FUNDING
    html = re.sub(r"[ \t\r\n]+", " ", story["page"].read_text(encoding="utf-8"))
    assert "Financement total" in html
    row = (
        '<th scope="row">Financement total</th><td>Journée création d&#x27;entreprise dans '
        "les quartiers (action)</td><td>2025</td><td>—</td>"
        f'<td class="num">22{NNBSP}187{NBSP}€</td><td class="num">23{NNBSP}187{NBSP}€</td>'
    )
    assert row in html
    assert f"{RESUBMITTED}</th>" in html
    assert f"Renvoi : remplace « {ORIGINAL} »" in html
    refused = html.split(f"{REFUSED}</th>", 1)[1].split("</tr>", 1)[0]
    assert "Refusé" in refused


def test_revues_page_of_the_live_site_lists_both_packs(story):
    root = story["root"]
    page = (root / "publish" / "tableaux-de-bord" / "revues.html").read_text(encoding="utf-8")
    for label, pack in ((LABEL_A, story["a"]), (LABEL_B, story["b"])):
        assert f"<td>{label}</td>" in page
        assert f'href="../revues/{pack.name}/revue.pdf"' in page
    assert 'href="revues.html"' in (root / "publish" / "tableaux-de-bord" / "index.html").read_text(
        encoding="utf-8"
    )


def test_pdf_has_contents_page_numbers_commentary_and_no_secret(story):
    a, root = story["a"], story["root"]
    reader = PdfReader(str(a / "revue.pdf"))
    pages = [_text(p.extract_text()) for p in reader.pages]
    n = len(pages)
    assert n >= 10
    for i, text in enumerate(pages, 1):
        assert f"Page {i} sur {n}" in text
    # contents on page 2, cover on page 1: chapter 1 starts on page 3; each chapter starts
    # on the page the contents give
    toc = pages[1]
    assert toc.startswith("Sommaire 1. Synthèse 3 ") and "1. Synthèse" in pages[2]
    for title in ("Comparaison des actions", "Méthodologie et confidentialité"):
        found = re.search(rf"{title} (\d+)", toc)
        assert found, title
        chapter = pages[int(found.group(1)) - 1]
        assert re.search(rf"\d+\. {title}", chapter), title
    assert reader.outline
    whole = " ".join(pages)
    assert CONTRAT in whole and LABEL_A in whole
    assert "Le comité note une baisse des entrées en 2026." in whole
    assert SCRIPT in whole and "Texte conservé en annexe." in whole
    assert "Lecture automatique" in whole
    # secret rates of the document's action comparison (cumul and the latest year), as the
    # exact warehouse values would print: none may appear
    secret = query(
        root,
        """SELECT i.valeur FROM marts.indicateurs i JOIN marts.indicateurs_publies p
           USING (code_indicateur, periode, perimetre_type, perimetre_code, ventilation, modalite)
           WHERE p.secret AND i.unite = 'pourcentage' AND i.valeur IS NOT NULL
             AND p.perimetre_type IN ('action', 'contrat', 'pilier')""",
    )
    assert secret, "the fixture must hold secret cells for this check to mean anything"
    from dashboards.format import format_value

    shown = {format_value(v, "pourcentage") for (v,) in secret}
    # the public values are those of the pack's own frozen table: the live warehouse holds
    # MEFAC's resubmission since, which moved the 2025 funding shares (the contract's 2025
    # share of BOP 147 credits was 55 500 / 162 064,51 = 34,2 % when pack A was frozen, and
    # happens to read like a secret 34,21 % rate of a QPV breakdown)
    frozen = pl.read_parquet(a / "tables" / "indicateurs.parquet").filter(
        ~pl.col("secret") & (pl.col("unite") == "pourcentage")
    )
    public = {
        format_value(v, "pourcentage")
        for v in [*frozen["valeur"], *frozen["valeur_attendue"], *frozen["valeur_cible"]]
        + [
            v
            for (v,) in query(
                root, "SELECT unnest([valeur_attendue, valeur_cible]) FROM marts.cibles_suivi"
            )
        ]  # fmt: skip
        if v is not None
    }
    share_2025 = frozen.filter(
        (pl.col("code_indicateur") == "part_credits_specifiques")
        & (pl.col("perimetre_type") == "contrat") & (pl.col("periode") == "2025")
        & (pl.col("ventilation") == "ensemble")
    )["valeur"]  # fmt: skip
    assert share_2025.to_list() == [pytest.approx(100 * 55_500 / 162_064.51)]
    # a secret value equal to a published value or a target (mid-term included) proves nothing
    distinctive = shown - public
    assert distinctive
    for text in distinctive:  # "6,3 %" must not match inside "56,3 %"
        assert not re.search(rf"(?<![\d,]){re.escape(_text(text))}", whole), text


def test_document_in_chromium_offline_commentary_as_text_secrets_as_s(story):
    """The frozen HTML in the real Chromium, network blocked: every chart drawn, no script
    of the commentary run, and each cell of the action comparison `s` exactly where the
    published table is secret."""
    from playwright.sync_api import sync_playwright

    from pipelines.revue.pdf import ARGS, DRAWN

    a, root = story["a"], story["root"]
    events = {"dialogs": [], "errors": [], "requests": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page()
        page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: events["errors"].append(str(e)))

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                events["requests"].append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto((a / "revue.html").as_uri(), wait_until="load")
        charts = page.locator("figure.chart").count()
        assert charts >= 4
        page.wait_for_function(f"() => ({DRAWN})() == {charts}", timeout=30_000)
        synthese = page.locator("#synthese .commentaire")
        assert SCRIPT in synthese.inner_text()
        assert page.locator(".commentaire img, .commentaire script").count() == 0
        year = "2026"  # latest year of the two partners' reports
        caption = f"Actions côte à côte – {year}"
        tbl = page.locator("table", has=page.locator("caption", has_text=caption))
        header = tbl.locator("thead th").all_inner_texts()
        rows = [r.locator("th, td").all_inner_texts() for r in tbl.locator("tbody tr").all()]
        browser.close()
    assert events == {"dialogs": [], "errors": [], "requests": []}
    labels = dict(query(root, "SELECT libelle, code_action FROM ref.actions"))
    published = {
        (code, label): secret
        for code, label, secret in query(
            root,
            "SELECT perimetre_code, libelle, secret FROM marts.indicateurs_publies "
            "WHERE perimetre_type = 'action' AND periode = ? AND ventilation = 'ensemble'",
            [year],
        )
    }
    checked = secrets = 0
    for row in rows:
        action = labels[row[0]]
        for name, text in zip(header[2:], row[2:], strict=True):
            secret = published[(action, name)]
            assert (text == "s") == secret, (action, name, text)
            checked, secrets = checked + 1, secrets + secret
    # 14 actions in actions.csv; the 6 v1 indicators of the comparison (+ the v2 count-based
    # multi-year share once marts.indicateurs has it)
    assert len(rows) == 14 and len(header) - 2 in (6, 7) and secrets > 0
    assert checked == 14 * (len(header) - 2)


def test_document_fills_the_v2_sections_from_the_warehouse(story):
    html = (story["a"] / "revue.html").read_text(encoding="utf-8")
    text = _text(re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")
    assert "Donnée non disponible" not in text
    # completeness (marts.completude), Mob'Agglo: 2024 and 2025 annual reports of 3 kinds are
    # due (6), one of its files refused -> 5 received late (the test copies the files today, after
    # the 30 January deadlines) and 1 refused; the 3 reports of 2026 are expected, not yet due;
    # its 3 half-year files of 2026-S1 are not expected on an annual calendar
    assert "Plateforme mobilité Mob'Agglo 0 5 1 0 3 3" in text
    # provisional periods (marts.periodes): 2026 still awaits reports
    assert "2026 (provisoire)" in text
    # breakdowns and the multi-year share of conventions
    for heading in ("Résidents des quartiers prioritaires et autres", "Freins",
                    "Part des conventions pluriannuelles (CPO), en nombre"):  # fmt: skip
        assert heading in text, heading
