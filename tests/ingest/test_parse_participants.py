"""Participants: every row rule, optional columns, duplicates, counts (contract 2 and 3)."""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.ingest.parse import parse_report

HEADER = [
    "Identifiant participant",
    "Code action",
    "Date d'entrée",
    "Date de sortie",
    "Motif de sortie",
    "Sexe (F/H)",
    "Année de naissance",
    "Code QPV",
    "Niveau de formation",
    "Inscrit France Travail",
    "Freins",
    "Prescripteur",
    "Observations",
]


def person(
    pid,
    action="EMP01",
    entree="03/02/2025",
    sortie="",
    motif="",
    sexe="F",
    naissance="1990",
    qpv="QN01404M",
    niveau="bac",
    ft="oui",
    freins="",
    presc="",
):
    return [
        pid,
        action,
        entree,
        sortie,
        motif,
        sexe,
        naissance,
        qpv,
        niveau,
        ft,
        freins,
        presc,
        "note libre",
    ]


# Row numbers as the partner sees them: row 1 is a title, row 2 the header.
ROWS = [
    person("P001", niveau="Bac +2", freins="mobilité, santé", presc="Mission locale"),  # 3
    person(
        " P 002 ",
        "emp02",
        "2025-02-04",
        "30/06/2025",
        "Emploi durable",
        "Homme",
        "1985",
        "qn01405n",
        "CAP/BEP",
        "N",
    ),  # 4
    person(
        "P003",
        entree="5/2/25",
        sexe="féminin",
        naissance="2000",
        qpv="hors_qpv",
        niveau="sans diplôme",
        ft="0",
        freins="langue;vélo",
        presc="voisin",
    ),  # 5
    person("P004", action="XYZ99"),  # 6 unknown action
    person("P005", action="CSE09"),  # 7 action of another partner
    person("P006", entree="31/02/2025"),  # 8 no such date
    person("P007", sortie="01/01/2025", motif="abandon"),  # 9 exit before entry
    person("P008", sortie="30/06/2025"),  # 10 exit without motive
    person("P009", motif="autre"),  # 11 motive without exit
    person("P010", naissance="2012"),  # 12 age 13
    person("P011", naissance="2011"),  # 13 age 14: accepted
    person("P012", naissance="1926"),  # 14 age 99: accepted
    person("P013", naissance="1925"),  # 15 age 100
    person(""),  # 16 no id
    person(
        "P014",
        sortie="30/06/2025",
        motif="licenciement",
        sexe="X",
        qpv="QN99999",
        niveau="licence",
        ft="peut-être",
    ),  # 17 five problems
    [],  # 18 blank row: skipped
    person("P001", entree="2025-02-03"),  # 19 same key as row 3
    person("P010", naissance="1990"),  # 20 same key as row 12, which was rejected: kept
    person("P016", action="EMP02", motif="   "),  # 21 a cell of spaces is empty: kept
    ["Total général", "", "", "", "", "", "", "", "", "", "", "", "16"],  # 22 ignored
]


@pytest.fixture
def report(tmp_path, write_csv, partner_ctx):
    path = write_csv(
        tmp_path / "participants_2025.csv",
        [HEADER, *ROWS],
        title_rows=[["Bilan des participants — 1er semestre"]],
    )
    return parse_report(path, "participants", partner_ctx)


def test_counts_and_conservation(report):
    assert report.refusal is None
    assert (report.encoding, report.header_row) == ("cp1252", 2)
    assert report.rows_read == 19  # rows 3..22 less the blank row 18
    assert report.rows_ignored == 1
    assert report.accepted["row_number"].to_list() == [3, 4, 5, 13, 14, 20, 21]
    rejected = sorted(set(report.rejections["row_number"]))
    assert rejected == [6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 19]
    assert report.rows_read == len(report.accepted) + len(rejected) + report.rows_ignored


def test_accepted_values_are_normalised(report):
    first, second, third = report.accepted.head(3).to_dicts()
    assert first == {
        "row_number": 3,
        "id_participant": "P001",
        "code_action": "EMP01",
        "date_entree": dt.date(2025, 2, 3),
        "date_sortie": None,
        "motif_sortie": None,
        "sexe": "F",
        "annee_naissance": 1990,
        "code_qpv": "QN01404M",
        "niveau_formation": "bac_plus_2",
        "inscrit_france_travail": True,
        "freins": "mobilite;sante",
        "prescripteur": "mission_locale",
    }
    assert second == {
        "row_number": 4,
        "id_participant": "P002",
        "code_action": "EMP02",
        "date_entree": dt.date(2025, 2, 4),
        "date_sortie": dt.date(2025, 6, 30),
        "motif_sortie": "emploi_durable",
        "sexe": "H",
        "annee_naissance": 1985,
        "code_qpv": "QN01405N",
        "niveau_formation": "cap_bep",
        "inscrit_france_travail": False,
        "freins": None,
        "prescripteur": None,
    }
    assert (third["date_entree"], third["sexe"], third["code_qpv"]) == (
        dt.date(2025, 2, 5),
        "F",
        "HORS_QPV",
    )
    assert (third["niveau_formation"], third["freins"], third["prescripteur"]) == (
        "sans_diplome",
        "langue",
        None,
    )
    assert report.accepted.schema["annee_naissance"].is_integer()


def test_one_rejection_line_per_problem(report):
    lines = report.rejections.select("row_number", "colonne", "valeur", "regle").rows()
    assert lines == [
        (6, "code_action", "XYZ99", "action_inconnue"),
        (7, "code_action", "CSE09", "action_autre_partenaire"),
        (8, "date_entree", "31/02/2025", "date_invalide"),
        (9, "date_sortie", "01/01/2025", "sortie_avant_entree"),
        (10, "motif_sortie", None, "motif_manquant"),
        (11, "date_sortie", None, "sortie_manquante"),
        (12, "annee_naissance", "2012", "age_hors_limites"),
        (15, "annee_naissance", "1925", "age_hors_limites"),
        (16, "id_participant", None, "valeur_manquante"),
        (17, "motif_sortie", "licenciement", "valeur_invalide"),
        (17, "sexe", "X", "valeur_invalide"),
        (17, "code_qpv", "QN99999", "qpv_inconnu"),
        (17, "niveau_formation", "licence", "valeur_invalide"),
        (17, "inscrit_france_travail", "peut-être", "booleen_invalide"),
        (19, "id_participant, code_action, date_entree", "P001 | EMP01 | 03/02/2025", "doublon"),
    ]


def test_french_messages(report):
    messages = dict(
        zip(report.rejections["row_number"], report.rejections["message"], strict=False)
    )
    assert messages[6] == (
        "Code action : « XYZ99 » est une action inconnue : elle ne figure pas dans la liste "
        "des actions du contrat (actions.csv)."
    )
    assert messages[7] == (
        "Code action : l'action « CSE09 » est portée par un autre partenaire que ASSO1 ; "
        "ne déclarez que vos propres actions."
    )
    assert messages[8] == (
        "Date d'entrée : « 31/02/2025 » n'est pas une date lisible (attendu jj/mm/aaaa)."
    )
    assert messages[9] == "Date de sortie : « 01/01/2025 » précède la date d'entrée (03/02/2025)."
    assert messages[10] == ("Motif de sortie : obligatoire quand une date de sortie est indiquée.")
    assert messages[11] == (
        "Date de sortie : manquante alors qu'un motif de sortie est indiqué (« autre »)."
    )
    assert messages[12] == (
        "Année de naissance : âge à l'entrée de 13 ans (année d'entrée 2025 moins année de "
        "naissance 2012) ; il doit être compris entre 14 et 99 ans."
    )
    assert messages[16] == "Identifiant participant : valeur obligatoire manquante."
    assert messages[19] == (
        "Doublon de la ligne 3 (même identifiant, action et date d'entrée) : "
        "seule la première ligne est conservée."
    )


def test_invalid_optional_values_are_dropped_with_a_warning(report):
    assert report.warnings.select("row_number", "colonne", "valeur", "regle").rows() == [
        (5, "prescripteur", "voisin", "valeur_invalide"),
        (5, "freins", "vélo", "valeur_invalide"),
    ]
    assert report.warnings["message"].to_list() == [
        "Prescripteur : « voisin » n'est pas une valeur admise (france_travail, "
        "mission_locale, ccas, plie, spontane, autre).",
        "Freins : « vélo » n'est pas un frein reconnu (langue, mobilite, financier, sante, "
        "numerique, administratif, garde_enfants, logement, qualification) ; valeur ignorée.",
    ]


def test_xlsx_with_number_and_date_cells(tmp_path, write_xlsx, partner_ctx):
    header = [
        "N° participant",
        "Action",
        "Date d'entrée",
        "Sexe",
        "Année de naissance",
        "QPV",
        "Niveau",
        "Inscrit FT",
    ]
    rows = [
        header,
        ["P100", "EMP01", dt.date(2025, 1, 6), "Femme", 1990, "QN01404M", "Bac", "Oui"],
        ["P101", "EMP01", dt.datetime(2025, 1, 7, 9, 0), "M", 2001.0, "QN01404M", "Bac", 1],
        ["P102", "EMP02", 45665, "F", 1985, "HORS_QPV", "CAP", "Non"],
        ["TOTAL", None, None, None, None, None, None, None],
    ]
    path = write_xlsx(tmp_path / "Participants.xlsx", rows, title_rows=[["Bilan"], []])
    report = parse_report(path, "participants", partner_ctx)
    assert report.refusal is None
    assert report.header_row == 3
    assert report.accepted.select(
        "row_number", "date_entree", "sexe", "annee_naissance", "inscrit_france_travail"
    ).rows() == [
        (4, dt.date(2025, 1, 6), "F", 1990, True),
        (5, dt.date(2025, 1, 7), "H", 2001, True),
        (6, dt.date(2025, 1, 8), "F", 1985, False),  # Excel serial 45665
    ]
    # optional columns absent from the file: empty, no warning
    assert report.accepted["freins"].null_count() == 3
    assert (report.rows_read, report.rows_ignored, len(report.rejections)) == (4, 1, 0)
