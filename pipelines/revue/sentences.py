"""Automatic French sentences for the key indicators: value, change from the previous
definitive year, status against the target.

They are written from the published cells only: a secret cell has no value there, so a
secret value (or a difference that would reveal it) can never be written out.
"""

from __future__ import annotations

from dashboards.format import MINUS, NBSP, format_number, format_value
from pipelines.revue.content import ReviewData

STATUS_PHRASE = {
    "atteint": "est atteinte",
    "en_bonne_voie": "est en bonne voie",
    "a_surveiller": "est à surveiller",
    "en_retard": "est en retard",
}
RATE_UNITS = ("pourcentage", "pour_mille")


def _signed(value: float, decimals: int) -> str:
    text = format_number(abs(value), decimals)
    if text.strip("0,") == "":
        return "stable"
    return ("+" if value > 0 else MINUS) + text


def change_text(before: float, after: float, unite: str) -> str:
    """`(+78 %)` for counts and euros, `(+3,2 points)` for rates."""
    if unite in RATE_UNITS:
        diff = _signed(after - before, 1)
        plural = "s" if abs(round(after - before, 1)) >= 2 else ""
        unit = f"point{plural}" + ("" if unite == "pourcentage" else " pour mille")
        return "(stable)" if diff == "stable" else f"({diff}{NBSP}{unit})"
    if before == 0:
        return ""
    diff = _signed((after - before) / before * 100, 0)
    return "(stable)" if diff == "stable" else f"({diff}{NBSP}%)"


def previous_year(d: ReviewData, year: str) -> str | None:
    """The latest definitive year before `year` (every year counts as definitive while
    marts.periodes is not computed)."""
    earlier = [y for y in d.years if int(y) < int(year)]
    definitive = [y for y in earlier if not d.is_provisional(y)]
    return definitive[-1] if definitive else None


def sentence(d: ReviewData, code: str, ptype: str, pcode: str) -> str | None:
    if not d.years:
        return None
    label = d.site.labels.get(code, code)
    unite = d.site.units.get(code, "nombre")
    year = d.years[-1]
    year_text = f"{year} (période provisoire)" if d.is_provisional(year) else year
    now = d.cell(code, ptype, pcode, year)
    if not now:
        return None
    if now.get("secret"):
        return f"{label} : la valeur de {year_text} est couverte par le secret statistique."
    if now.get("valeur") is None:
        return f"{label} : non défini en {year_text} (dénominateur nul)."
    value = format_value(now["valeur"], unite)
    prev = previous_year(d, year)
    before = d.cell(code, ptype, pcode, prev) if prev else {}
    if not prev or not before:
        text = f"{label} : {value} en {year_text}"
    elif before.get("secret"):
        text = (
            f"{label} : {value} en {year_text} ; la valeur de {prev} est couverte par le "
            "secret statistique, l'évolution n'est pas publiée"
        )
    elif before.get("valeur") is None:
        text = f"{label} : {value} en {year_text} (non défini en {prev})"
    else:
        change = change_text(before["valeur"], now["valeur"], unite)
        old = format_value(before["valeur"], unite)
        text = f"{label} : de {old} en {prev} à {value} en {year_text}"
        text += f" {change}" if change else ""
    cible, annee = now.get("valeur_cible"), now.get("annee_cible")
    statut = STATUS_PHRASE.get(now.get("statut") or "")
    if cible is not None and annee is not None and statut:
        text += f" ; la cible de {format_value(cible, unite)} en {annee} {statut}"
        if d.is_provisional(year):
            text += " (statut provisoire)"
    return text + "."
