"""The demo generator, checked by reading its files back with ordinary readers.

Readers here are deliberately naive (python-calamine, csv): they do not use
pipelines.ingest, so the demo data is checked independently of the ingestion code.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from python_calamine import CalamineWorkbook

from indicators.registry import BY_CODE
from pipelines.demo.generate import generate
from pipelines.demo.render import french_amount

PERIODS = {"2024", "2025-S1", "2025-S2", "2025", "2026-S1"}
ID_SYNONYMS = {"nparticipant", "identifiant", "identifiantparticipant", "idparticipant"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    generate(root / "a")  # default seed and size, as committed under data/
    generate(root / "b")
    return root


@pytest.fixture(scope="module")
def data(demo) -> Path:
    return demo / "a"


def plain_text(value) -> str:
    text = unicodedata.normalize("NFKD", str(value))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


def header_key(value) -> str:
    text = re.sub(r"\(.*?\)", "", plain_text(value))
    text = re.sub(r"\b(de|d')\s*", "", text)
    key = re.sub(r"[^a-z0-9]", "", text)
    return "idparticipant" if key in ID_SYNONYMS else key


def read_rows(path: Path) -> list[list]:
    if path.suffix in (".xlsx", ".xls", ".ods"):
        return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    first = text.splitlines()[0]
    sep = ";" if first.count(";") >= first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=sep))


def records(path: Path) -> list[dict]:
    """Rows under the header (first row naming code_action), without blank/Total rows."""
    rows = read_rows(path)
    start = next(i for i, r in enumerate(rows) if "codeaction" in {header_key(c) for c in r})
    keys = [header_key(c) for c in rows[start]]
    out = []
    for r in rows[start + 1 :]:
        cells = [c for c in r if c not in ("", None)]
        if not cells or str(cells[0]).startswith("Total"):
            continue
        out.append(dict(zip(keys, r, strict=False)))
    return out


def parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not value:
        return None
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return date.fromisoformat(value)
    d, m, y = (int(x) for x in value.split("/"))
    return date(2000 + y if y < 100 else y, m, d)


def incoming_files(root: Path, kind: str) -> list[Path]:
    prefixes = {"seances": ("seances", "presences")}.get(kind, (kind,))
    return sorted(
        p
        for p in (root / "incoming").rglob("*")
        if p.is_file() and plain_text(p.name).startswith(prefixes)
    )


def partner_of(path: Path) -> str:
    return path.parent.parent.name


def test_same_seed_gives_byte_identical_files(demo):
    def digests(root):
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*")
            if p.is_file()
        }

    a, b = digests(demo / "a"), digests(demo / "b")
    assert len(a) > 50
    assert a == b


def test_reference_files(data):
    ref = data / "reference"
    contrat = yaml.safe_load((ref / "contrat.yaml").read_text(encoding="utf-8"))
    assert contrat["code"] == "CV-CAEN-2024"
    assert contrat["date_debut"] == date(2024, 1, 1)
    assert contrat["date_fin"] == date(2030, 12, 31)
    assert contrat["date_debut"] < contrat["date_mi_parcours"] < contrat["date_fin"]
    assert contrat["seuil_secret"] == 5

    raw = (ref / "actions.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # saved by French Excel: Windows-1252 with ';'
    actions = list(csv.DictReader(io.StringIO(raw.decode("cp1252")), delimiter=";"))
    assert len(actions) >= 10
    assert {a["pilier"] for a in actions} == {
        "emploi_developpement_economique",
        "cohesion_sociale",
        "cadre_de_vie",
    }
    assert any("Auto-école" in a["libelle"] for a in actions)

    partners = list(csv.DictReader(open(ref / "partenaires.csv", encoding="utf-8")))
    assert len(partners) == 6
    assert {a["code_partenaire"] for a in actions} == {p["code_partenaire"] for p in partners}

    qpv = list(csv.DictReader(open(ref / "qpv.csv", encoding="utf-8")))
    assert len(qpv) >= 4
    assert all(re.fullmatch(r"QN\d{5}[A-Z]", q["code_qpv"]) for q in qpv)
    assert all(1000 <= int(q["population"]) <= 10000 for q in qpv)

    cibles = list(csv.DictReader(open(ref / "cibles.csv", encoding="utf-8")))
    assert len(cibles) >= 8
    assert all(c["code_indicateur"] in BY_CODE for c in cibles)
    assert {c["sens"] for c in cibles} == {"hausse", "baisse"}
    assert {c["perimetre_type"] for c in cibles} >= {"contrat", "pilier", "action", "qpv"}
    known = {a["code_action"] for a in actions} | {q["code_qpv"] for q in qpv}
    known |= {p["code_partenaire"] for p in partners} | {a["pilier"] for a in actions}
    assert all(c["perimetre_code"] in known | {"CV-CAEN-2024"} for c in cibles)


def test_incoming_layout_and_formats(data):
    files = [p for p in (data / "incoming").rglob("*") if p.is_file()]
    layout = defaultdict(set)
    for p in files:
        rel = p.relative_to(data / "incoming").parts
        assert len(rel) == 3
        layout[rel[0]].add(rel[1])
    assert len(layout) == 6
    assert set().union(*layout.values()) == PERIODS
    assert any(periods != PERIODS for periods in layout.values())  # not every period
    kinds = {plain_text(p.name).split("_")[0].split("-")[0] for p in files}
    assert kinds == {"participants", "seances", "presences", "financements"}
    assert {p.suffix for p in files} == {".xlsx", ".xls", ".ods", ".csv"}

    csvs = [p.read_bytes() for p in files if p.suffix == ".csv"]
    cp1252 = []
    for raw in csvs:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            cp1252.append(raw.decode("cp1252"))
    assert any(";" in t.splitlines()[1] and " €" in t for t in cp1252)  # '1 250,50 €'
    bom = [raw for raw in csvs if raw.startswith(b"\xef\xbb\xbf")]
    assert bom and all(
        b"," in raw.splitlines()[0] and b";" not in raw.splitlines()[0] for raw in bom
    )

    xlsx = data / "incoming/MLCAEN/2025/Participants_2025_MLCAEN.xlsx"
    rows = read_rows(xlsx)
    assert rows[0][0].startswith("Bilan d'action 2025 — Mission Locale")
    assert rows[3][:2] == ["N° participant", "Code action"]
    assert rows[-1][0] == "Total"
    assert isinstance(rows[4][rows[3].index("Date d'entrée")], date)  # real date cells
    fjt = read_rows(data / "incoming/FJTET/2025-S2/participants_2025-S2.xlsx")
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", fjt[2][2])  # dates typed as text


def test_people_across_partners(data):
    partners_of = defaultdict(set)
    qpv_of = defaultdict(set)
    motifs = set()
    for path in incoming_files(data, "participants"):
        for r in records(path):
            partners_of[r["idparticipant"]].add(partner_of(path))
            qpv_of[r["idparticipant"]].add(r["codeqpv"])
            if r["motifsortie"]:
                motifs.add(plain_text(r["motifsortie"]).replace(" ", "_"))
    assert len(partners_of) >= 2000
    assert all(re.fullmatch(r"P-[0-9A-F]{6}", i) for i in partners_of)
    multi = [i for i, p in partners_of.items() if len(p) >= 2]
    assert 200 <= len(multi) <= 300  # 10-15 % of 2,000 people
    assert any(len(p) == 3 for p in partners_of.values())
    assert any("HORS_QPV" in q for q in qpv_of.values())
    assert sum(len(q) >= 2 for q in qpv_of.values()) >= 5  # moved between enrolments
    assert motifs >= {
        "emploi_durable",
        "emploi_transition",
        "formation_qualifiante",
        "creation_activite",
        "abandon",
        "demenagement",
        "autre",
    }


def test_exit_reported_in_a_later_period(data):
    """Entered in the 2024 report still in the action, exit known from the 2025 report."""
    ml = data / "incoming/MLCAEN"
    open_2024 = {
        r["idparticipant"]
        for r in records(ml / "2024/Participants_2024_MLCAEN.xlsx")
        if not r["datesortie"]
    }
    left_2025 = {
        r["idparticipant"]
        for r in records(ml / "2025/Participants_2025_MLCAEN.xlsx")
        if r["datesortie"]
    }
    assert len(open_2024 & left_2025) >= 20


def test_sessions_attendance(data):
    labels = defaultdict(lambda: defaultdict(int))
    for path in incoming_files(data, "seances"):
        for r in records(path):
            labels[r["codeaction"]][plain_text(r["presence"])] += 1
    seen = {v for counts in labels.values() for v in counts}
    assert {"present", "absent", "excuse"} <= seen
    assert {"p", "a", "e"} <= seen  # driving school ticks P/A/E
    auto_ecole = labels["EMP-05"]
    attended = auto_ecole["p"] / sum(auto_ecole.values())
    assert 0.5 < attended < 0.8  # frequent absences, as in the field report
    subtotal = [
        r
        for r in read_rows(data / "incoming/FJTET/2025-S2/Séances_2025-S2.xlsx")
        if str(r[0]).startswith("Total P-")
    ]
    assert len(subtotal) == 4


def test_funding_lines(data):
    files = incoming_files(data, "financements")
    missing_amount = [
        p
        for p in files
        if "montantaccorde" not in {header_key(c) for r in read_rows(p)[:5] for c in r}
    ]
    assert [p.relative_to(data).as_posix() for p in missing_amount] == [
        "incoming/MOBILAGGLO/2025/financements-mobagglo-2025.csv"
    ]
    lines = [r for p in files if p not in missing_amount for r in records(p)]
    assert {plain_text(r["typeconvention"]) for r in lines} == {"annuelle_aap", "pluriannuelle_cpo"}
    assert len({r["financeur"] for r in lines}) >= 8
    beyond = [r for r in lines if parse_date(r["datefin"]).year > int(float(r["annee"])) + 1]
    assert beyond
    amounts = [r["montantaccorde"] for r in lines]
    assert any(isinstance(a, str) and re.fullmatch(r"-?[\d ]+,\d\d €", a) for a in amounts)
    negatives = [
        a
        for a in amounts
        if (
            a
            if isinstance(a, float)
            else float(str(a).replace(" ", "").replace("€", "").replace(",", "."))
        )
        < 0
    ]
    assert len(negatives) == 2


def test_resubmission_corrects_a_few_rows(data):
    folder = data / "incoming/FJTET/2025-S1"
    names = sorted(p.name for p in folder.glob("participants*"))
    assert names == ["participants_2025-S1.xlsx", "participants_2025-S1_v2.xlsx"]
    first, second = (folder / n for n in names)
    assert second.stat().st_mtime > first.stat().st_mtime
    a, b = read_rows(first), read_rows(second)
    assert len(a) == len(b)
    changed = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    assert 1 <= len(changed) <= 6
    assert all(x[0] == y[0] for x, y in changed)  # same people, corrected values


def test_planted_bad_rows_are_there(data):
    rows = [(p, r) for p in incoming_files(data, "participants") for r in records(p)]
    assert sum(r["codeaction"] == "EMP-99" for _, r in rows) == 2
    assert sum(plain_text(r["sexe"]) == "x" for _, r in rows) == 4
    twelve = [
        r
        for _, r in rows
        if parse_date(r["dateentree"]).year - int(float(r["anneenaissance"])) == 12
    ]
    assert len(twelve) == 3
    backwards = [
        r
        for _, r in rows
        if r["datesortie"] and parse_date(r["datesortie"]) < parse_date(r["dateentree"])
    ]
    assert len(backwards) == 4  # 2 of them corrected in the resubmission
    ml = records(data / "incoming/MLCAEN/2025/Participants_2025_MLCAEN.xlsx")
    keys = [(r["idparticipant"], r["codeaction"], parse_date(r["dateentree"])) for r in ml]
    assert len(keys) - len(set(keys)) == 2


def test_french_amount():
    assert french_amount(1250.5) == "1 250,50 €"
    assert french_amount(-27560.37) == "-27 560,37 €"
    assert french_amount(300.0) == "300,00 €"


def test_plain_mode_keeps_the_layout(tmp_path):
    generate(tmp_path, seed=7, people=2500, plain=True)
    files = sorted((tmp_path / "incoming").rglob("*.*"))
    assert {p.suffix for p in files} == {".csv"}
    assert {p.parent.name for p in files} == PERIODS
    ids = set()
    for p in files:
        text = p.read_text(encoding="utf-8")
        header = text.splitlines()[0].split(";")
        assert header[0] in ("id_participant", "code_action")
        if p.name.startswith("participants"):
            ids |= {r["id_participant"] for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert len(ids) == 2500


def test_reception_list_restores_the_mtimes_a_clone_loses(demo, tmp_path):
    import os
    import shutil

    from pipelines.demo.stamp import stamp

    root = tmp_path / "clone"
    shutil.copytree(demo / "a", root)
    files = [p for p in (root / "incoming").rglob("*") if p.is_file()]
    for p in files:  # as after a git clone: every file dated now
        os.utime(p, None)
    changed = root / "incoming/MEFAC/2024/participants_2024.csv"
    changed.write_bytes(changed.read_bytes() + b"\n")  # a file the user changed
    assert stamp(root) == len(files) - 1
    # the resubmission is dated 14 days after the first version, as generated
    first = root / "incoming/FJTET/2025-S1/participants_2025-S1.xlsx"
    second = root / "incoming/FJTET/2025-S1/participants_2025-S1_v2.xlsx"
    assert second.stat().st_mtime - first.stat().st_mtime == 14 * 86400
    assert changed.stat().st_mtime > first.stat().st_mtime + 365 * 86400  # left alone
