"""A small hand-made warehouse for the dashboards (until the publisher's table exists).

Contract CV-CAEN, 2 piliers, 2 partners, 3 actions, 2 QPV, years 2024-2025 + cumul.
Values are set by a simple rule, and the cells the tests look at are set by hand below
(HAND); SECRET lists the secret cells. One indicator label and one action label carry
an HTML injection.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from indicators.registry import INDICATEURS, MODALITES, VENTILATION_PERIMETRES
from pipelines.publish.targets import write_published_targets
from pipelines.warehouse import migrate

REPO = Path(__file__).resolve().parents[2]
CONTRAT = "CV-CAEN"
PILIERS = {"emploi_developpement_economique": "Emploi et développement économique",
           "cohesion_sociale": "Cohésion sociale"}  # fmt: skip
PARTENAIRES = {"P01": 'Association Élan & « Avenir » "Nord"', "P02": "Mission locale Caen"}
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ACTIONS = {  # code -> (libelle, partner, pilier)
    "A1": ("Correspondants Solidarité Emploi", "P01", "emploi_developpement_economique"),
    "A2": (f"Forum emploi {IMG}", "P01", "emploi_developpement_economique"),
    "A3": ("Auto-école sociale", "P02", "cohesion_sociale"),
}
QPV = {"QN01404M": ("Chemin Vert", "Caen", 5000), "QN01405M": ("Grâce de Dieu", "Caen", 3000)}
PERIODES = ("2024", "2025", "cumul")
LIBELLE_NOUVEAUX = f"Nouveaux entrants {SCRIPT}"

# (code, type, scope, periode, ventilation, modalite) -> value, checked by hand in the tests.
E = "ensemble"
HAND = {
    ("beneficiaires_uniques", "contrat", CONTRAT, "2024", E, E): 1234.0,
    ("beneficiaires_uniques", "contrat", CONTRAT, "2025", E, E): 1500.0,
    ("beneficiaires_uniques", "contrat", CONTRAT, "cumul", E, E): 2100.0,
    ("taux_sorties_positives", "contrat", CONTRAT, "2024", E, E): 40.0,
    ("taux_sorties_positives", "contrat", CONTRAT, "2025", E, E): 42.25,
    ("part_residents_qpv", "contrat", CONTRAT, "2025", E, E): 58.0,
    ("financement_total", "contrat", CONTRAT, "2025", E, E): 1_250_000.0,
    ("financement_total", "action", "A1", "2025", E, E): 1250.0,
    ("taux_couverture_qpv", "qpv", "QN01404M", "2025", E, E): 12.34,
    ("cout_par_sortie_positive", "action", "A2", "2024", E, E): None,  # undefined, not secret
    # (v2) QPV page: 38.5 % of QPV residents' exits are positive against 45 % -> -6.5 points
    ("taux_sorties_positives", "contrat", CONTRAT, "2025", "residence", "qpv"): 38.5,
    ("taux_sorties_positives", "contrat", CONTRAT, "2025", "residence", "hors_qpv"): 45.0,
}
SECRET = {
    ("beneficiaires_uniques", "action", "A3", "2024", E, E),
    ("sorties", "action", "A3", "2024", E, E),
    ("taux_sorties_positives", "action", "A3", "2024", E, E),
    ("taux_sorties_positives", "action", "A3", "2025", E, E),
    ("part_femmes", "qpv", "QN01405M", "2025", E, E),
    ("beneficiaires_uniques", "contrat", CONTRAT, "2024", "tranche_age", "50_plus"),
    ("beneficiaires_uniques", "contrat", CONTRAT, "2024", "tranche_age", "26_49"),
    ("taux_assiduite", "contrat", CONTRAT, "2025", "residence", "hors_qpv"),  # (v2) gap: s
}
# contract targets: code -> (cible, annee_cible, {periode: (attendue, statut)})
TARGETS = {
    "beneficiaires_uniques": (3000.0, 2030, {"2024": (1000.0, "atteint"),
                                             "2025": (1400.0, "atteint")}),
    "taux_sorties_positives": (50.0, 2030, {"2024": (44.0, "a_surveiller"),
                                            "2025": (45.0, "en_retard")}),
    "part_residents_qpv": (60.0, 2030, {"2025": (57.0, "en_bonne_voie")}),
}  # fmt: skip

PAGES = {  # page -> charts, counted by hand from the fixture
    "index.html": 8,  # the 8 default key indicators (the 3 with targets are among them)
    # 8 groups + (v2) report completeness + 2 indicators x 2 breakdowns
    "contrat/CV-CAEN.html": 13,
    "pilier/emploi_developpement_economique.html": 7,  # no QPV coverage below contract
    "pilier/cohesion_sociale.html": 7,
    "partenaire/P01.html": 8,  # 7 + (v2) report completeness (contract and partner scopes)
    "partenaire/P02.html": 8,
    "action/A1.html": 7,
    "action/A2.html": 7,
    "action/A3.html": 7,
    "qpv/QN01404M.html": 3,  # people, profile, coverage
    "qpv/QN01405M.html": 3,
    # (v2) one comparison chart per period (2024, 2025, cumul)
    "comparaison.html": 3,
    "qpv.html": 3,  # contract and the 2 piliers have residence rows
    "publics.html": 3,  # education level, barrier, referrer
    "financeurs.html": 2,  # funders by year, multi-year and secured shares
    "telechargements.html": 0,
    "revues.html": 0,  # the frozen review packs (none in this fixture)
    "methodologie.html": 0,
    "suivi-remontees.html": 0,  # (v2) report follow-up: tables only
}


# the columns of pipelines.publish.tables.PUBLISHED_SCHEMA; no period is provisional here
# (marts.periodes stays empty)
PUBLISHED_DDL = """
CREATE TABLE marts.indicateurs_publies (
    code_indicateur VARCHAR, libelle VARCHAR, unite VARCHAR, periode VARCHAR,
    provisoire BOOLEAN, perimetre_type VARCHAR, perimetre_code VARCHAR, perimetre_libelle VARCHAR,
    ventilation VARCHAR, modalite VARCHAR, valeur DOUBLE, numerateur DOUBLE,
    denominateur DOUBLE, secret BOOLEAN, valeur_cible DOUBLE, annee_cible INTEGER,
    valeur_attendue DOUBLE, statut VARCHAR, millesime VARCHAR,
    date_reception_max TIMESTAMP, empreinte VARCHAR
)"""


def _scopes() -> dict[str, dict[str, str]]:
    return {
        "contrat": {CONTRAT: "Contrat de ville de Caen la Mer"},
        "pilier": PILIERS,
        "partenaire": PARTENAIRES,
        "action": {k: v[0] for k, v in ACTIONS.items()},
        "qpv": {k: v[0] for k, v in QPV.items()},
    }


def _rule(unite: str, i: int, s: int, p: int) -> float:
    """Filler values for the cells no test looks at."""
    return {
        "nombre": 100.0 + 10 * i + 7 * s + 5 * p,
        "pourcentage": 30.0 + i + 2.5 * s + p,
        "pour_mille": 8.0 + s + p,
        "euros": 20_000.0 + 1000 * i + 500 * s + 100 * p,
    }[unite]


def published_rows() -> list[tuple]:
    rows = []
    for i, ind in enumerate(INDICATEURS):
        libelle = LIBELLE_NOUVEAUX if ind.code == "nouveaux_entrants" else ind.libelle
        for t in ind.perimetres:
            for s, (code, label) in enumerate(_scopes()[t].items()):
                vents = [v for v in ind.ventilations if t in VENTILATION_PERIMETRES[v]]
                cells = [(v, m) for v in vents for m in MODALITES[v]]
                for p, periode in enumerate(PERIODES):
                    for v, m in cells:
                        key = (ind.code, t, code, periode, v, m)
                        value = HAND.get(key, _rule(ind.unite, i, s, p))
                        secret = key in SECRET
                        cible, annee, attendue, statut = None, None, None, None
                        if t == "contrat" and v == "ensemble" and ind.code in TARGETS:
                            cible, annee, by_period = TARGETS[ind.code]
                            attendue, statut = by_period.get(periode, (None, None))
                        rows.append((
                            ind.code, libelle, ind.unite, periode, False, t, code, label, v, m,
                            None if secret else value, None, None, secret, cible, annee,
                            attendue, statut, "2025", datetime(2026, 1, 15, 10, 30), "x",
                        ))  # fmt: skip
    return rows


def make_warehouse(path: Path) -> None:
    con = duckdb.connect(str(path))
    migrate(con)
    con.execute(
        "INSERT INTO ref.contrat VALUES (?, ?, ?, ?, ?, 5)",
        [CONTRAT, "Contrat de ville de Caen la Mer", date(2024, 1, 1), date(2030, 12, 31),
         date(2025, 6, 30)],
    )  # fmt: skip
    con.executemany(
        "INSERT INTO ref.actions VALUES (?, ?, ?, ?, 'accompagnement', NULL, NULL)",
        [(k, *v) for k, v in ACTIONS.items()],
    )
    con.executemany("INSERT INTO ref.partenaires VALUES (?, ?)", list(PARTENAIRES.items()))
    con.executemany("INSERT INTO ref.qpv VALUES (?, ?, ?, ?)", [(k, *v) for k, v in QPV.items()])
    con.executemany(
        "INSERT INTO ingest.files (file_id, sha256, source_path, archive_path, code_partenaire, "
        "periode, periode_rang, kind, received_at, arrival_seq, status, in_force, "
        "rows_accepted, rows_rejected, rows_warned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?)",
        [
            ("f1", "aa", "P01/2025/participants.xlsx", "a/f1", "P01", "2025", 9, "participants",
             datetime(2026, 1, 10, 9, 0), 1, "accepte", True, 1200, 3, 2),
            ("f2", "bb", "P02/2025/financements.csv", "a/f2", "P02", "2025", 9, "financements",
             datetime(2026, 1, 15, 10, 30), 2, "accepte", True, 12, 0, 0),
            ("f3", "cc", "P02/2025/seances.csv", "a/f3", "P02", "2025", 9, "seances",
             datetime(2026, 1, 15, 10, 31), 3, "refuse", False, 0, 0, 0),
        ],
    )  # fmt: skip
    con.execute(PUBLISHED_DDL)  # marts.cibles_suivi: created by the migrations
    columns = [c[0] for c in con.sql("DESCRIBE marts.indicateurs_publies").fetchall()]
    # one insert from a frame: executemany takes seconds for a thousand rows
    rows = pl.DataFrame(published_rows(), schema=columns, orient="row", infer_schema_length=None)
    con.register("fixture_rows", rows)
    con.execute("INSERT INTO marts.indicateurs_publies SELECT * FROM fixture_rows")
    con.unregister("fixture_rows")
    con.executemany(
        "INSERT INTO marts.cibles_suivi VALUES (?, ?, ?, 'mi_parcours', 2023, 0, 2030, ?, "
        "'hausse', ?, ?, ?, '2025')",
        [
            # equals the published 2025 cell (1 500): shown
            ("beneficiaires_uniques", "contrat", CONTRAT, 3000.0, 1500.0, 1500.0, "atteint"),
            ("part_residents_qpv", "contrat", CONTRAT, 60.0, 57.5, 58.0, "en_bonne_voie"),
            # A3's 2025 rate is secret: the reached value (37.5) and status must stay hidden
            ("taux_sorties_positives", "action", "A3", 50.0, 45.0, 37.5, "en_retard"),
            # 35.5 is the published 2024 value, but the value was read on 2025 (secret)
            ("part_femmes", "qpv", "QN01405M", 60.0, 50.0, 35.5, "en_retard"),
        ],
    )  # fmt: skip
    write_published_targets(con)  # the publication stage applies secrecy to the targets
    con.close()


def make_publish_inputs(root: Path) -> tuple[Path, Path]:
    """A validation reports folder and a downloads folder, as the other stages write them."""
    reports, downloads = root / "rapports", root / "telechargements"
    (reports / "fichiers").mkdir(parents=True)
    (reports / "index.html").write_text(
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Rapports</title>'
        "</head><body><h1>Rapports de validation</h1></body></html>",
        encoding="utf-8",
    )
    (reports / "fichiers" / "f1.html").write_text("<p>Rapport f1</p>", encoding="utf-8")
    downloads.mkdir(parents=True)
    (downloads / "indicateurs.csv").write_text("code_indicateur;valeur\nsorties;12\n", "utf-8-sig")
    (downloads / "indicateurs.parquet").write_bytes(b"PAR1" + b"\0" * 60 + b"PAR1")
    return reports, downloads
