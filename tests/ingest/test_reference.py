"""Reference files read with partner-file tolerance, checked, and stored in ref.*."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pipelines.ingest.reference import ReferenceError, read_reference, write_reference
from pipelines.warehouse import migrate

CONTRAT = """code: CV-CAEN
libelle: "Contrat de ville de l'agglomération"
date_debut: 2024-01-01
date_fin: 31/12/2030
date_mi_parcours: 2027-06-30
"""
ACTIONS = [
    [
        "Code action",
        "Libellé",
        "Porteur",
        "Pilier",
        "Type d'action",
        "Date de début",
        "Date de fin",
    ],
    [
        "EMP01",
        "Correspondants emploi",
        "ASSO1",
        "Emploi & développement économique",
        "accompagnement",
        "01/01/2024",
        "31/12/2026",
    ],
    [
        "emp02",
        "Auto-école sociale",
        "ASSO1",
        "emploi_developpement_economique",
        "",
        "2024-03-01",
        "",
    ],
    ["CSE09", "Forum", "MAIRIE", "Cohésion sociale", "forum", "", ""],
]
PARTENAIRES = [["Code partenaire", "Nom"], ["ASSO1", "Association Un"], ["MAIRIE", "Ville"]]
QPV = [
    ["Code QPV", "Nom du quartier", "Commune", "Population"],
    ["QN01404M", "Chemin Vert", "Caen", "5\u202f230"],
    ["QN01405N", "Grâce de Dieu", "Caen", "4 100"],
]
CIBLES = [
    [
        "code_indicateur",
        "perimetre_type",
        "perimetre_code",
        "annee_reference",
        "valeur_reference",
        "annee_cible",
        "valeur_cible",
        "sens",
    ],
    ["part_femmes", "contrat", "CV-CAEN", "2024", "42,5", "2030", "50", "Hausse"],
    [
        "taux_abandon",
        "pilier",
        "emploi_developpement_economique",
        "2024",
        "30",
        "2030",
        "20",
        "baisse",
    ],
]


def make_reference(root, write_csv, write_xlsx, **changes):
    folder = root / "reference"
    folder.mkdir(parents=True)
    (folder / "contrat.yaml").write_text(changes.get("contrat", CONTRAT), encoding="utf-8")
    write_csv(folder / "actions.csv", changes.get("actions", ACTIONS), encoding="cp1252")
    partenaires = changes.get("partenaires", PARTENAIRES)
    write_csv(folder / "partenaires.csv", partenaires, encoding="utf-8-sig", sep=",")
    write_xlsx(folder / "qpv.xlsx", changes.get("qpv", QPV), title_rows=[["Quartiers"]])
    write_csv(folder / "cibles.csv", changes.get("cibles", CIBLES), encoding="utf-8")
    return root


def test_reads_every_file_with_partner_tolerance(tmp_path, write_csv, write_xlsx):
    ref = read_reference(make_reference(tmp_path, write_csv, write_xlsx))
    assert ref.contrat == {
        "code": "CV-CAEN",
        "libelle": "Contrat de ville de l'agglomération",
        "date_debut": dt.date(2024, 1, 1),
        "date_fin": dt.date(2030, 12, 31),
        "date_mi_parcours": dt.date(2027, 6, 30),
        "seuil_secret": 5,
    }
    assert ref.actions.columns == [
        "code_action",
        "libelle",
        "code_partenaire",
        "pilier",
        "type_action",
        "date_debut",
        "date_fin",
    ]
    assert ref.actions["code_action"].to_list() == ["EMP01", "emp02", "CSE09"]
    assert ref.actions["pilier"].to_list() == [
        "emploi_developpement_economique",
        "emploi_developpement_economique",
        "cohesion_sociale",
    ]
    assert ref.actions["date_debut"].to_list() == [dt.date(2024, 1, 1), dt.date(2024, 3, 1), None]
    assert ref.actions["type_action"].to_list() == ["accompagnement", None, "forum"]
    assert ref.partenaires.rows() == [("ASSO1", "Association Un"), ("MAIRIE", "Ville")]
    assert ref.qpv["population"].to_list() == [5230, 4100]
    assert ref.cibles["valeur_reference"].to_list() == [42.5, 30.0]
    assert ref.cibles["sens"].to_list() == ["hausse", "baisse"]


def test_every_problem_is_listed(tmp_path, write_csv, write_xlsx):
    actions = [row[:] for row in ACTIONS]
    actions[1][5] = "32/01/2024"  # unreadable date, row 2
    actions[3][2] = "INCONNU"  # partner absent from partenaires.csv, row 4
    actions.append(["EMP01", "doublon", "ASSO1", "cohesion_sociale", "", "", ""])  # row 5
    qpv = [QPV[0], ["QN01404M", "Chemin Vert", "Caen", "beaucoup"], ["", "Sans code", "Caen", "10"]]
    contrat = CONTRAT.replace("code: CV-CAEN\n", "").replace("seuil", "x")
    with pytest.raises(ReferenceError) as raised:
        read_reference(
            make_reference(
                tmp_path, write_csv, write_xlsx, actions=actions, qpv=qpv, contrat=contrat
            )
        )
    assert raised.value.problems == [
        "contrat.yaml : clé « code » manquante.",
        "actions.csv, ligne 2, colonne « Date de début » : « 32/01/2024 » n'est pas une date "
        "lisible (attendu jj/mm/aaaa).",
        "qpv.xlsx, ligne 4, colonne « Code QPV » : valeur manquante.",
        "qpv.xlsx, ligne 3, colonne « Population » : « beaucoup » n'est pas un nombre entier "
        "positif.",
    ]
    assert str(raised.value).startswith("Référentiel invalide :\n- contrat.yaml")


def test_cross_file_problems(tmp_path, write_csv, write_xlsx):
    actions = [row[:] for row in ACTIONS]
    actions[3][2] = "INCONNU"
    actions.append(["emp01", "doublon", "ASSO1", "cohesion_sociale", "", "", ""])
    cibles = [*CIBLES, ["part_femmes", "action", "EMP99", "2024", "1", "2030", "2", "hausse"]]
    with pytest.raises(ReferenceError) as raised:
        read_reference(
            make_reference(tmp_path, write_csv, write_xlsx, actions=actions, cibles=cibles)
        )
    assert raised.value.problems == [
        "actions.csv, ligne 2 : code « EMP01 » présent plusieurs fois.",
        "actions.csv, ligne 5 : code « emp01 » présent plusieurs fois.",
        "actions.csv, ligne 4, colonne « code_partenaire » : « INCONNU » absent de "
        "partenaires.csv.",
        "cibles.csv, ligne 4 : périmètre action « EMP99 » absent du référentiel.",
    ]


def test_missing_folder_files(tmp_path):
    (tmp_path / "reference").mkdir()
    with pytest.raises(ReferenceError) as raised:
        read_reference(tmp_path)
    folder = tmp_path / "reference"
    assert raised.value.problems == [
        f"contrat.yaml : fichier absent du dossier {folder}.",
        f"actions.csv : fichier absent du dossier {folder}.",
        f"partenaires.csv : fichier absent du dossier {folder}.",
        f"qpv.csv : fichier absent du dossier {folder}.",
    ]


def test_write_reference_replaces_ref_tables(tmp_path, write_csv, write_xlsx):
    ref = read_reference(make_reference(tmp_path, write_csv, write_xlsx))
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    migrate(con)
    write_reference(con, ref)
    write_reference(con, ref)  # replaces, never appends
    assert con.execute("SELECT code, seuil_secret, date_fin FROM ref.contrat").fetchall() == [
        ("CV-CAEN", 5, dt.date(2030, 12, 31))
    ]
    assert con.execute("SELECT count(*) FROM ref.actions").fetchone() == (3,)
    assert con.execute("SELECT sum(population) FROM ref.qpv").fetchone() == (9330,)
    assert con.execute(
        "SELECT valeur_reference FROM ref.cibles WHERE code_indicateur = 'part_femmes'"
    ).fetchone() == (42.5,)
    con.close()


# ------------------------------------------------------------ (v2) reporting calendar


def test_calendar_defaults_when_columns_and_keys_are_absent(tmp_path, write_csv, write_xlsx):
    ref = read_reference(make_reference(tmp_path, write_csv, write_xlsx))
    # no rythme_remontee column: annuel; no keys in contrat.yaml: 60 days, today in Paris
    assert ref.rythmes.rows() == [("ASSO1", "annuel"), ("MAIRIE", "annuel")]
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=1))).date()  # Paris, winter time
    assert ref.calendrier["delai_remontee_jours"] == 60
    assert abs((ref.calendrier["date_arrete"] - today).days) <= 1
    con = duckdb.connect()
    migrate(con)
    write_reference(con, ref)
    assert con.execute("SELECT * FROM ref.rythmes ORDER BY 1").fetchall() == ref.rythmes.rows()
    assert con.execute("SELECT delai_remontee_jours FROM ref.calendrier").fetchall() == [(60,)]


def test_calendar_values_are_read_with_tolerance(tmp_path, write_csv, write_xlsx):
    partenaires = [
        ["Code partenaire", "Nom", "Rythme de remontée"],
        ["ASSO1", "Association Un", " Semestriel "],
        ["MAIRIE", "Ville", ""],  # empty cell: the default
    ]
    contrat = CONTRAT + "delai_remontee_jours: 45\ndate_arrete: 15/03/2026\n"
    root = make_reference(tmp_path, write_csv, write_xlsx, partenaires=partenaires, contrat=contrat)
    ref = read_reference(root)
    assert ref.rythmes.rows() == [("ASSO1", "semestriel"), ("MAIRIE", "annuel")]
    assert ref.calendrier == {"delai_remontee_jours": 45, "date_arrete": dt.date(2026, 3, 15)}
    assert ref.partenaires.columns == ["code_partenaire", "nom"]


def test_bad_calendar_values_are_refused_with_file_line_and_value(tmp_path, write_csv, write_xlsx):
    partenaires = [
        ["Code partenaire", "Nom", "rythme_remontee"],
        ["ASSO1", "Association Un", "mensuel"],
        ["MAIRIE", "Ville", "annuel"],
    ]
    # CONTRAT has 5 lines: the new keys are on lines 6 and 7
    contrat = CONTRAT + "delai_remontee_jours: -10\ndate_arrete: 31/02/2026\n"
    root = make_reference(tmp_path, write_csv, write_xlsx, partenaires=partenaires, contrat=contrat)
    with pytest.raises(ReferenceError) as err:
        read_reference(root)
    assert err.value.problems == [
        "contrat.yaml, ligne 6 : « delai_remontee_jours » doit être un nombre entier de jours "
        "≥ 0 (valeur reçue : « -10 »).",
        "contrat.yaml, ligne 7 : « date_arrete » n'est pas une date lisible (valeur reçue : "
        "« 31/02/2026 » ; attendu jj/mm/aaaa ou aaaa-mm-jj).",
        "partenaires.csv, ligne 2, colonne « rythme_remontee » : « mensuel » n'est pas un rythme "
        "de remontée connu (annuel ou semestriel).",
    ]
