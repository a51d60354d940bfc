"""marts.cibles_publiees: secrecy applied to target tracking by key, once."""

from __future__ import annotations

import duckdb

from pipelines.publish.targets import write_published_targets
from pipelines.warehouse import migrate

# (code, scope type, scope code, periode, valeur_atteinte, statut, periode_valeur)
TRACKING = [
    ("sorties", "contrat", "CV01", "2025", 53.0, "en_bonne_voie", "2025"),  # cell public
    ("sorties", "action", "A3", "2025", 3.0, "en_retard", "2025"),  # cell secret
    ("sorties", "action", "A3", "mi_parcours", 3.0, "en_retard", "2025"),  # read on it too
    # same value as the public 2024 cell of A4, but read on 2025, which is secret
    ("sorties", "action", "A4", "mi_parcours", 12.0, "en_retard", "2025"),
    ("sorties", "qpv", "Q9", "2025", 7.0, "atteint", "2025"),  # no published cell at all
    ("sorties", "action", "A5", "2025", None, None, "2025"),  # nothing reached: nothing hidden
]
# (code, scope type, scope code, periode, valeur, secret) of the 'ensemble' cells
PUBLISHED = [
    ("sorties", "contrat", "CV01", "2025", 53.0, False),
    ("sorties", "action", "A3", "2025", None, True),
    ("sorties", "action", "A4", "2024", 12.0, False),
    ("sorties", "action", "A4", "2025", None, True),
    ("sorties", "action", "A5", "2025", None, False),
    # a breakdown cell of CV01 being secret must not hide the 'ensemble' reading
    ("sorties", "contrat", "CV01", "2025", None, True, "sexe", "F"),
]


def test_a_value_reached_on_a_secret_or_unpublished_cell_is_hidden(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    migrate(con)
    for code, ptype, pcode, periode, reached, statut, read_on in TRACKING:
        con.execute(
            "INSERT INTO marts.cibles_suivi VALUES (?, ?, ?, ?, 2024, 40, 2027, 60, 'hausse', "
            "50, ?, ?, ?)",
            [code, ptype, pcode, periode, reached, statut, read_on],
        )
    con.execute(
        "CREATE TABLE marts.indicateurs_publies (code_indicateur VARCHAR, perimetre_type "
        "VARCHAR, perimetre_code VARCHAR, periode VARCHAR, valeur DOUBLE, secret BOOLEAN, "
        "ventilation VARCHAR, modalite VARCHAR)"
    )
    for row in PUBLISHED:
        ventilation, modalite = row[6:] if len(row) > 6 else ("ensemble", "ensemble")
        con.execute(
            "INSERT INTO marts.indicateurs_publies VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [*row[:6], ventilation, modalite],
        )

    counts = write_published_targets(con)

    assert counts == {"lignes": 6, "valeurs_secretes": 4}  # A3 twice, A4, Q9
    published = con.execute(
        "SELECT perimetre_code, periode, valeur_atteinte, statut, secret, valeur_cible, "
        "valeur_attendue FROM marts.cibles_publiees ORDER BY perimetre_code, periode"
    ).fetchall()
    assert published == [
        ("A3", "2025", None, None, True, 60.0, 50.0),  # the target itself stays shown
        ("A3", "mi_parcours", None, None, True, 60.0, 50.0),
        ("A4", "mi_parcours", None, None, True, 60.0, 50.0),
        ("A5", "2025", None, None, False, 60.0, 50.0),
        ("CV01", "2025", 53.0, "en_bonne_voie", False, 60.0, 50.0),
        ("Q9", "2025", None, None, True, 60.0, 50.0),
    ]
    assert write_published_targets(con) == counts  # rebuilt, not appended
    con.close()
