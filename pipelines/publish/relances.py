"""Reminders for the evaluation officer (data contract v2, section 6).

From marts.completude: the reports to chase (missing, refused, received late) as
publish/relances/relances.csv for French Excel, and one short French reminder per partner
concerned (<code_partenaire>.txt), ready to paste into an e-mail: what is missing, by when,
where to drop it. No Dagster here; the asset in pipelines/defs/completeness writes the folder.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from indicators.completeness import A_RELANCER, STATUT_LIBELLES
from pipelines.fsutil import write_atomically
from pipelines.publish.tables import _clean_text, write_french_csv
from pipelines.warehouse import as_frame

CSV_NAME = "relances.csv"
TYPE_LIBELLES = {
    "participants": "participants",
    "seances": "séances (présences)",
    "financements": "financements",
}
_ORDER = {s: i for i, s in enumerate(("manquant", "refuse", "recu_en_retard"))}

RELANCES_SQL = f"""
    SELECT c.code_partenaire, coalesce(p.nom, c.code_partenaire) AS nom_partenaire, c.periode,
        c.type_fichier, c.statut, c.date_limite, c.jours_retard, c.date_reception,
        c.file_id_en_vigueur AS file_id
    FROM marts.completude AS c
    LEFT JOIN ref.partenaires AS p USING (code_partenaire)
    WHERE c.statut IN {A_RELANCER}
    ORDER BY c.code_partenaire, c.debut, c.periode, c.type_fichier
"""


def relances_frame(con) -> pl.DataFrame:
    """One row per report to chase, in French words (statut, type de fichier)."""
    rows = as_frame(con.sql(RELANCES_SQL))
    return rows.select(
        "code_partenaire",
        "nom_partenaire",
        "periode",
        pl.col("type_fichier").replace_strict(TYPE_LIBELLES, default=pl.col("type_fichier")),
        pl.col("statut").replace_strict(STATUT_LIBELLES, default=pl.col("statut")),
        "date_limite",
        pl.col("jours_retard").alias("jours_de_retard"),
        "date_reception",
        pl.col("statut").alias("code_statut"),
        "file_id",
    )


def _fr(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _days(n: int | None) -> str:
    if not n:
        return ""
    return f" ({n} jour{'s' if n > 1 else ''} de retard)"


def reminder_text(nom: str, code: str, rows: list[dict], date_arrete: date | None) -> str:
    """French reminder for one partner, from its rows of relances_frame()."""
    by = {s: [r for r in rows if r["code_statut"] == s] for s in _ORDER}
    lines = [
        f"Objet : bilans du contrat de ville à transmettre – {nom}",
        "",
        "Bonjour,",
        "",
        "Sauf erreur de notre part, "
        + (f"au {_fr(date_arrete)}, " if date_arrete else "")
        + "voici l'état de vos bilans d'action :",
    ]
    if by["manquant"]:
        lines += ["", "Bilans non reçus (à nous transmettre dès que possible) :"]
        lines += [
            f"- période {r['periode']}, fichier {r['type_fichier']} : attendu au plus tard le "
            f"{_fr(r['date_limite'])}{_days(r['jours_de_retard'])}"
            for r in by["manquant"]
        ]
    if by["refuse"]:
        lines += ["", "Fichiers reçus mais refusés (à corriger puis renvoyer en entier) :"]
        lines += [
            f"- période {r['periode']}, fichier {r['type_fichier']} : reçu le "
            f"{_fr(r['date_reception'])}, date limite le {_fr(r['date_limite'])} ; le motif "
            "du refus figure dans le rapport de validation du fichier"
            for r in by["refuse"]
        ]
    if by["recu_en_retard"]:
        lines += ["", "Bilans bien reçus, mais après la date limite (pour information) :"]
        lines += [
            f"- période {r['periode']}, fichier {r['type_fichier']} : reçu le "
            f"{_fr(r['date_reception'])} pour le {_fr(r['date_limite'])}"
            f"{_days(r['jours_de_retard'])}"
            for r in by["recu_en_retard"]
        ]
    if by["manquant"] or by["refuse"]:
        lines += [
            "",
            f"Déposez chaque fichier dans votre dossier de dépôt incoming/{code}/<période>/ "
            "(par exemple incoming/"
            + code
            + "/"
            + (by["manquant"] or by["refuse"])[0]["periode"]
            + "/), au format CSV, XLSX, ODS ou XLS, nommé participants…, seances… ou "
            "financements…. Un nouveau fichier remplace entièrement le précédent de la même "
            "période.",
        ]
    lines += ["", "Merci de votre contribution à l'évaluation du contrat de ville.", ""]
    return "\n".join(lines)


def reminder_texts(con) -> dict[str, str]:
    """code_partenaire -> French reminder text, for every partner with a report to chase."""
    frame = relances_frame(con)
    date_arrete = _date_arrete(con)
    texts = {}
    for (code,), group in frame.group_by(["code_partenaire"], maintain_order=True):
        rows = group.to_dicts()
        texts[code] = reminder_text(rows[0]["nom_partenaire"], code, rows, date_arrete)
    return texts


def _date_arrete(con) -> date | None:
    rows = con.execute("SELECT max(date_arrete) FROM ref.calendrier").fetchall()
    return rows[0][0] if rows else None


def write_relances(con, out_dir: Path) -> dict[str, Path]:
    """relances.csv (French Excel) and one <code_partenaire>.txt per partner concerned."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    table = _clean_text(relances_frame(con).drop("code_statut", "file_id"))
    written = {CSV_NAME: write_atomically(out_dir / CSV_NAME, lambda p: write_french_csv(table, p))}
    for code, text in reminder_texts(con).items():
        name = f"{_safe_name(code)}.txt"
        written[name] = write_atomically(
            out_dir / name, lambda p, t=text: p.write_text(t, encoding="utf-8-sig", newline="\r\n")
        )
    return written


def _safe_name(code: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in code) or "partenaire"
