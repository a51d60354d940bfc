"""Reporting calendar (data contract v2, section 6): expected reports, reception dates, the six
statuses, completeness indicators, provisional periods and the mid-term reading, on real
partner files loaded through the real ingestion, then the real SQL.

ingest_kit's reference: contract 2024-2027 (date_mi_parcours 2026-01-01); ASSO1 runs A1 (2025
only) and A2 (2024-2027); MLJ runs M1 (2024-2027).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from ingest_kit import (
    FINANCEMENTS_HEADER,
    PARTICIPANTS_HEADER,
    SEANCES_HEADER,
    drop,
    make_warehouse,
    participant,
    rows,
    run,
)

from indicators.completeness import compute_completeness
from indicators.compute import compute_indicators, compute_targets


def utc(*args) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def seance(action: str, day: str) -> list[str]:
    return ["P1", action, day, "present"]


def funding(action: str, year: int) -> list:
    return [action, year, "region", "1000", "annuelle_aap", f"01/01/{year}", f"31/12/{year}"]


HEADERS = {
    "participants": PARTICIPANTS_HEADER,
    "seances": SEANCES_HEADER,
    "financements": FINANCEMENTS_HEADER,
}


def send(write_csv, root, partner, periode, kind, row, when, name=None):
    rel = f"{partner}/{periode}/{name or kind}.csv"
    drop(write_csv, root, rel, HEADERS[kind], [row], when)


def table(con) -> dict[tuple, tuple]:
    got = rows(
        con,
        "SELECT code_partenaire, periode, type_fichier, date_limite, date_reception, statut, "
        "jours_retard FROM marts.completude",
    )
    return {r[:3]: r[3:] for r in got}


def rate(con, code, periode, ptype, pcode):
    return rows(
        con,
        "SELECT valeur, numerateur, denominateur FROM marts.indicateurs WHERE code_indicateur = ?"
        " AND periode = ? AND perimetre_type = ? AND perimetre_code = ?",
        [code, periode, ptype, pcode],
    )[0]


@pytest.fixture
def scenario_a(tmp_path, write_csv):
    """ASSO1 half-yearly, MLJ annual (no rythmes row: the default), 60 days, as of 2026-03-15."""
    root, con = make_warehouse(tmp_path)
    con.execute("INSERT INTO ref.rythmes VALUES ('ASSO1', 'semestriel')")
    con.execute("INSERT INTO ref.calendrier VALUES (60, DATE '2026-03-15')")
    # 2025-S1 is due on 30/06/2025 + 60 days = 29/08/2025.
    # 23:30 in Paris (21:30 UTC) on the due date: on time
    send(
        write_csv,
        root,
        "ASSO1",
        "2025-S1",
        "participants",
        participant("P1", "A1", "10/03/2025"),
        utc(2025, 8, 29, 21, 30),
    )
    # 00:30 in Paris on the day after (still 29/08 in UTC): one day late
    send(
        write_csv,
        root,
        "ASSO1",
        "2025-S1",
        "seances",
        seance("A1", "12/03/2025"),
        utc(2025, 8, 29, 22, 30),
    )
    # a funding file without its required columns: refused
    drop(
        write_csv,
        root,
        "ASSO1/2025-S1/financements.csv",
        ["code_action", "annee"],
        [["A1", "2025"]],
        utc(2025, 9, 10, 8),
    )
    # 2025-S2 (due 01/03/2026): first accepted on time, replaced by a late version
    send(
        write_csv,
        root,
        "ASSO1",
        "2025-S2",
        "participants",
        participant("P1", "A1", "10/03/2025"),
        utc(2026, 2, 1, 8),
    )
    send(
        write_csv,
        root,
        "ASSO1",
        "2025-S2",
        "participants",
        participant("P2", "A1", "10/09/2025"),
        utc(2026, 3, 10, 8),
        name="participants_v2",
    )
    # an annual file from a half-yearly partner: non_attendu, loaded like any other
    send(
        write_csv,
        root,
        "ASSO1",
        "2025",
        "participants",
        participant("P3", "A2", "05/05/2025"),
        utc(2025, 12, 20, 8),
    )
    # MLJ 2025 funding, due 01/03/2026, received 15/02/2026
    send(write_csv, root, "MLJ", "2025", "financements", funding("M1", 2025), utc(2026, 2, 15, 8))
    # unknown partner folder, period outside the contract: refused, no row
    send(
        write_csv,
        root,
        "INCONNU",
        "2025",
        "participants",
        participant("P9", "A1", "10/03/2025"),
        utc(2025, 5, 1),
    )
    send(
        write_csv,
        root,
        "MLJ",
        "2031",
        "participants",
        participant("P9", "M1", "10/03/2031"),
        utc(2025, 5, 1),
    )
    run(con, root, "r1")
    counts = compute_completeness(con)
    compute_indicators(con)
    yield con, counts
    con.close()


def test_every_status_with_its_dates(scenario_a):
    con, counts = scenario_a
    got = table(con)
    d = date
    # ASSO1 half-yearly: 2024-S1, 2024-S2, 2025-S1, 2025-S2, 2026-S1 (starts before 15/03/2026;
    # 2026-S2 does not) x 3 kinds = 15; MLJ annual 2024, 2025, 2026 x 3 = 9; + 1 non_attendu
    assert len(got) == 25
    assert counts == {
        "recu_a_temps": 3,  # ASSO1 2025-S1 and 2025-S2 participants, MLJ 2025 financements
        "recu_en_retard": 1,  # ASSO1 2025-S1 seances
        "refuse": 1,  # ASSO1 2025-S1 financements
        # ASSO1 2024-S1 x3, 2024-S2 x3, 2025-S2 seances and financements; MLJ 2024 x3,
        # 2025 participants and seances
        "manquant": 13,
        "attendu": 6,  # ASSO1 2026-S1 x3 (due 29/08/2026), MLJ 2026 x3 (due 01/03/2027)
        "non_attendu": 1,  # ASSO1 2025
    }
    a = "ASSO1"
    # on the due date itself (Paris calendar date), then the day after
    assert got[(a, "2025-S1", "participants")] == (
        d(2025, 8, 29),
        d(2025, 8, 29),
        "recu_a_temps",
        None,
    )
    assert got[(a, "2025-S1", "seances")] == (d(2025, 8, 29), d(2025, 8, 30), "recu_en_retard", 1)
    # refused: reception date of the refused file; overdue since 29/08/2025 at 15/03/2026
    assert got[(a, "2025-S1", "financements")] == (
        d(2025, 8, 29),
        d(2025, 9, 10),
        "refuse",
        (d(2026, 3, 15) - d(2025, 8, 29)).days,
    )
    # the first accepted file decides, even once replaced
    assert got[(a, "2025-S2", "participants")] == (
        d(2026, 3, 1),
        d(2026, 2, 1),
        "recu_a_temps",
        None,
    )
    # missing: 14 days after 01/03/2026 at 15/03/2026
    assert got[(a, "2025-S2", "seances")] == (d(2026, 3, 1), None, "manquant", 14)
    assert got[(a, "2024-S1", "participants")][2] == "manquant"
    assert got[(a, "2026-S1", "financements")] == (d(2026, 8, 29), None, "attendu", None)
    assert got[(a, "2025", "participants")] == (None, d(2025, 12, 20), "non_attendu", None)
    # MLJ has no rythmes row: annual by default
    assert got[("MLJ", "2025", "financements")] == (
        d(2026, 3, 1),
        d(2026, 2, 15),
        "recu_a_temps",
        None,
    )
    assert got[("MLJ", "2026", "participants")] == (d(2027, 3, 1), None, "attendu", None)
    assert not [k for k in got if k[0] == "INCONNU" or k[1] == "2031"]
    # the non_attendu report is loaded like any other: P3 is in force
    assert rows(con, "SELECT count(*) FROM staging.participants WHERE id_participant = 'P3'") == [
        (1,)
    ]


def test_completeness_indicators_and_provisional_periods(scenario_a):
    con, _ = scenario_a
    # 2025, contract: ASSO1 2025-S1 x3 + 2025-S2 x3 + MLJ 2025 x3 = 9 due reports; received
    # ASSO1 S1 participants + seances, S2 participants, MLJ financements = 4; on time 3
    assert rate(con, "taux_remontee", "2025", "contrat", "CV-TEST") == (400 / 9, 4, 9)
    assert rate(con, "taux_remontee_a_temps", "2025", "contrat", "CV-TEST") == (300 / 9, 3, 9)
    # 2024: ASSO1 6 + MLJ 3 due, none received
    assert rate(con, "taux_remontee", "2024", "contrat", "CV-TEST") == (0, 0, 9)
    # cumul: 9 + 9 due (the attendu ones of 2026 excluded), 4 received, 3 on time
    assert rate(con, "taux_remontee", "cumul", "contrat", "CV-TEST") == (400 / 18, 4, 18)
    assert rate(con, "taux_remontee_a_temps", "cumul", "contrat", "CV-TEST") == (300 / 18, 3, 18)
    # partners: ASSO1 2025 received 3 of 6 (2 on time); MLJ 1 of 3 (on time)
    assert rate(con, "taux_remontee", "2025", "partenaire", "ASSO1") == (50, 3, 6)
    assert rate(con, "taux_remontee_a_temps", "2025", "partenaire", "ASSO1") == (200 / 6, 2, 6)
    assert rate(con, "taux_remontee", "2025", "partenaire", "MLJ") == (100 / 3, 1, 3)
    # 2024 and 2025 have missing reports: provisional, and so is the cumul
    assert rows(con, "SELECT periode, provisoire FROM marts.periodes ORDER BY periode") == [
        ("2024", True),
        ("2025", True),
        ("cumul", True),
    ]


@pytest.fixture
def scenario_b(tmp_path, write_csv):
    """Both partners annual (default), as of 2025-04-01: 2024 complete, 2025 begun."""
    root, con = make_warehouse(tmp_path)
    con.execute("INSERT INTO ref.calendrier VALUES (60, DATE '2025-04-01')")
    for partner, action in (("ASSO1", "A2"), ("MLJ", "M1")):
        when = utc(2025, 2, 10, 8)  # 2024 is due on 01/03/2025
        send(
            write_csv,
            root,
            partner,
            "2024",
            "participants",
            participant("P1" + partner, action, "10/03/2024"),
            when,
        )
        send(write_csv, root, partner, "2024", "seances", seance(action, "12/03/2024"), when)
        send(write_csv, root, partner, "2024", "financements", funding(action, 2024), when)
    send(
        write_csv,
        root,
        "MLJ",
        "2025",
        "participants",
        participant("P2", "M1", "10/02/2025"),
        utc(2025, 3, 20, 8),
    )
    con.execute(
        "INSERT INTO ref.cibles VALUES ('beneficiaires_uniques', 'contrat', 'CV-TEST', "
        "2024, 2, 2027, 8, 'hausse')"
    )
    run(con, root, "r1")
    compute_completeness(con)
    compute_indicators(con)
    compute_targets(con)
    yield con
    con.close()


def test_a_complete_year_is_definitive_and_read_at_mid_term(scenario_b):
    con = scenario_b
    # 2024: the 6 reports on time; 2025 (due 01/03/2026): MLJ participants received, the
    # 5 others still attendu -> 2025 and the cumul provisional, 2024 definitive
    assert rows(con, "SELECT periode, provisoire FROM marts.periodes ORDER BY periode") == [
        ("2024", False),
        ("2025", True),
        ("cumul", True),
    ]
    assert rate(con, "taux_remontee", "2024", "contrat", "CV-TEST") == (100, 6, 6)
    # 2025: only MLJ participants is due-or-received (not attendu): 1 of 1
    assert rate(con, "taux_remontee", "2025", "contrat", "CV-TEST") == (100, 1, 1)
    # mid-term (2026-01-01): latest definitive year <= 2026 is 2024; expected on the line
    # 2 (2024) -> 8 (2027) at 2024 = 2; reached 2 people in 2024 -> en_bonne_voie
    assert rows(
        con,
        "SELECT periode_valeur, valeur_attendue, valeur_atteinte, statut FROM marts.cibles_suivi"
        " WHERE periode = 'mi_parcours'",
    ) == [("2024", 2.0, 2.0, "en_bonne_voie")]


def test_date_after_the_period_is_rejected_at_the_boundary(tmp_path, write_csv):
    root, con = make_warehouse(tmp_path)
    # 2025-S1 ends on 30/06/2025: the last day is fine, the day after is rejected (line 3)
    drop(
        write_csv,
        root,
        "ASSO1/2025-S1/participants.csv",
        PARTICIPANTS_HEADER,
        [
            participant("P1", "A1", "30/06/2025"),
            participant("P2", "A1", "01/07/2025"),
            participant("P3", "A1", "02/02/2025", sortie="01/07/2025", motif="abandon"),
        ],
        utc(2025, 7, 2),
    )
    # 2025-S2 and 2025 end on 31/12/2025
    drop(
        write_csv,
        root,
        "ASSO1/2025-S2/seances.csv",
        SEANCES_HEADER,
        [
            seance("A1", "31/12/2025"),
            seance("A1", "01/01/2026"),
        ],
        utc(2026, 1, 2),
    )
    # funding years and agreement dates may lie in the future
    drop(
        write_csv,
        root,
        "ASSO1/2025/financements.csv",
        FINANCEMENTS_HEADER,
        [
            ["A2", "2026", "region", "500", "pluriannuelle_cpo", "01/01/2026", "31/12/2027"],
        ],
        utc(2026, 1, 2),
    )
    run(con, root, "r1")
    rejected = rows(
        con,
        "SELECT split_part(f.source_path, '/', 3), r.row_number, r.colonne, r.valeur, r.message"
        " FROM ingest.rejections r JOIN ingest.files f USING (file_id)"
        " WHERE r.regle = 'date_apres_periode' ORDER BY 1, 2",
    )
    assert [r[:4] for r in rejected] == [
        ("participants.csv", 3, "date_entree", "01/07/2025"),
        ("participants.csv", 4, "date_sortie", "01/07/2025"),
        ("seances.csv", 3, "date_seance", "01/01/2026"),
    ]
    assert rejected[0][4] == (
        "date_entree : « 01/07/2025 » est postérieure au dernier jour de la période du bilan "
        "(30/06/2025) ; un bilan ne peut décrire que ce qui a déjà eu lieu."
    )
    assert rows(con, "SELECT count(*) FROM staging.financements") == [(1,)]
    con.close()


def test_reminder_list_and_texts(scenario_a, tmp_path):
    import csv

    from pipelines.publish.relances import write_relances

    con, _ = scenario_a
    con.execute(
        "UPDATE ref.partenaires SET nom = '=HYPERLINK(\"x\")' WHERE code_partenaire = 'MLJ'"
    )
    written = write_relances(con, tmp_path / "relances")
    assert sorted(written) == ["ASSO1.txt", "MLJ.txt", "relances.csv"]
    raw = written["relances.csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # French Excel
    with written["relances.csv"].open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.DictReader(f, delimiter=";"))
    # 13 missing + 1 late + 1 refused (attendu, on-time and non_attendu reports are not chased)
    assert len(lines) == 15
    late = [r for r in lines if r["statut"] == "Reçu en retard"]
    assert [(r["code_partenaire"], r["periode"], r["type_fichier"], r["date_limite"],
             r["jours_de_retard"]) for r in late] == [
        ("ASSO1", "2025-S1", "séances (présences)", "2025-08-29", "1")
    ]  # fmt: skip
    assert {r["nom_partenaire"] for r in lines if r["code_partenaire"] == "MLJ"} == {
        '\'=HYPERLINK("x")'  # spreadsheet-injection guard
    }
    text = written["ASSO1.txt"].read_text(encoding="utf-8-sig")
    assert "Bonjour," in text and "au 15/03/2026" in text
    assert (
        "- période 2025-S2, fichier séances (présences) : attendu au plus tard le 01/03/2026 "
        "(14 jours de retard)" in text
    )
    assert "- période 2025-S1, fichier financements : reçu le 10/09/2025" in text
    assert "incoming/ASSO1/2024-S1/" in text  # where to drop the first missing report
