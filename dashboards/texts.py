"""Data of the methodology page (its French prose is templates/methodology.html): status
meanings, the confidentiality rule, the files in force."""

from __future__ import annotations

from dashboards.cells import Cell, Table
from dashboards.data import SiteData
from dashboards.format import format_date, format_number
from indicators.registry import STATUTS
from pipelines.ingest.report_html import KIND_LABELS
from pipelines.publish.secret import RULES_FR


def secret_rules(seuil: int | None) -> list[str]:
    """The confidentiality rule as its owner (pipelines.publish.secret) words it, with the
    contract's own threshold."""
    n = seuil or 5
    return [p.strip() for p in RULES_FR.split("\n\n") if p.strip()] + [
        f"Seuil de ce contrat : {n} (les effectifs de 1 à {n - 1} ne sont pas publiés)."
    ]


STATUT_MEANINGS = (
    ("atteint", "la valeur atteinte atteint déjà la cible finale"),
    ("en_bonne_voie", "elle atteint au moins la valeur attendue à cette date"),
    (
        "a_surveiller",
        "elle manque la valeur attendue d'au plus 10 % de l'écart "
        "entre la valeur de référence et la cible",
    ),
    ("en_retard", "elle manque la valeur attendue de davantage"),
)


def _files_table(d: SiteData) -> Table | None:
    if d.files.height == 0:
        return None
    rows = [
        [
            Cell(r["nom"] or r["code_partenaire"] or "—"),
            Cell(r["periode"] or "—"),
            Cell(KIND_LABELS.get(r["kind"], r["kind"] or "—")),
            Cell(format_date(r["received_at"])),
            Cell(format_number(r["rows_accepted"] or 0), css="num"),
            Cell(format_number(r["rows_rejected"] or 0), css="num"),
            Cell(format_number(r["rows_warned"] or 0), css="num"),
        ]
        for r in d.files.iter_rows(named=True)
    ]
    header = ["Partenaire", "Période", "Type", "Reçu le", "Lignes retenues", "Lignes rejetées",
              "Avertissements"]  # fmt: skip
    return Table("Fichiers partenaires en vigueur", header, rows, css="wide")


def methodology_context(d: SiteData, cumul_label: str) -> dict:
    """What templates/methodology.html fills in (its prose lives in the template)."""
    c = d.contrat
    return {
        "debut": c.get("date_debut"),
        "fin": c.get("date_fin"),
        "years": f"de {d.years[0]} à {d.years[-1]}" if d.years else "—",
        "cumul_label": cumul_label,
        "statuts": [(code, text) for code, text in STATUT_MEANINGS if code in STATUTS],
        "secret_rules": secret_rules(c.get("seuil_secret")),
        "files": _files_table(d),
        # (v2) reporting calendar and provisional periods
        "delai": d.delai_remontee,
        "date_arrete": d.date_arrete,
        "provisoires": [
            label for p in d.periods if p in d.provisional for label in [_period_text(p, d)]
        ],
        "definitive": d.definitive_years,
    }


def _period_text(periode: str, d: SiteData) -> str:
    if periode == "cumul":
        return f"le cumul {d.years[0]}–{d.years[-1]}" if d.years else "le cumul"
    return periode
