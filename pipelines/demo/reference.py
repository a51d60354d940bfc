"""Reference files of the evaluation officer (contract section 1)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipelines.demo.contract import ACTIONS, CIBLES, CONTRAT, PARTNERS, QPVS, SCALED_CIBLES


def _csv(path: Path, header: list[str], rows: list[list], encoding: str, sep: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def contrat_yaml() -> str:
    c = CONTRAT
    return (
        "# Contrat de ville fictif servant de démonstration\n"
        f"code: {c['code']}\n"
        f'libelle: "{c["libelle"]}"\n'
        f"date_debut: {c['date_debut'].isoformat()}\n"
        f"date_fin: {c['date_fin'].isoformat()}\n"
        f"date_mi_parcours: {c['date_mi_parcours'].isoformat()}\n"
        f"seuil_secret: {c['seuil_secret']}\n"
        f"delai_remontee_jours: {c['delai_remontee_jours']}\n"
        f"date_arrete: {c['date_arrete'].isoformat()}\n"
    )


def write_reference(root: Path, n_people: int, split: int = 1) -> list[Path]:
    """Write the five reference files; actions.csv as French Excel saves it (cp1252, ';').
    `split` > 1: the many-files shape of pipelines/demo/split.py."""
    from pipelines.demo import split as many

    actions = many.actions(split) if split > 1 else ACTIONS
    partners = many.partners(split) if split > 1 else PARTNERS
    qpvs = many.qpvs() if split > 1 else QPVS
    root.mkdir(parents=True, exist_ok=True)
    (root / "contrat.yaml").write_text(contrat_yaml(), encoding="utf-8")
    _csv(
        root / "actions.csv",
        [
            "code_action",
            "libelle",
            "code_partenaire",
            "pilier",
            "type_action",
            "date_debut",
            "date_fin",
        ],
        [
            [
                a.code,
                a.libelle,
                a.partner,
                a.pilier,
                a.type_action,
                a.date_debut.strftime("%d/%m/%Y"),
                a.date_fin.strftime("%d/%m/%Y"),
            ]
            for a in actions
        ],
        "cp1252",
        ";",
    )
    _csv(
        root / "partenaires.csv",
        ["code_partenaire", "nom", "rythme_remontee"],
        [[p.code, p.nom, p.rythme] for p in partners],
        "utf-8",
        ",",
    )
    _csv(
        root / "qpv.csv",
        ["code_qpv", "nom", "commune", "population"],
        [[q.code, q.nom, q.commune, q.population] for q in qpvs],
        "utf-8",
        ",",
    )
    scale = n_people / 2000
    rows = []
    for code, ptype, pcode, y0, v0, y1, v1, sens in CIBLES:
        if code in SCALED_CIBLES:
            v0, v1 = round(v0 * scale), round(v1 * scale)
        rows.append([code, ptype, pcode, y0, v0, y1, v1, sens])
    _csv(
        root / "cibles.csv",
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
        rows,
        "utf-8",
        ",",
    )
    return sorted(root.iterdir())
