"""French text of the methodology page: periods, counting rules, confidentiality, vintage."""

from __future__ import annotations

from dashboards.data import SiteData
from dashboards.format import format_date, format_number
from dashboards.html import Cell, esc, statut_badge, table
from indicators.registry import STATUTS
from pipelines.publish.secret import RULES_FR

FILE_KINDS = {"participants": "Participants", "seances": "Séances", "financements": "Financements"}


def secret_rules(seuil: int | None) -> list[str]:
    """The confidentiality rule as its owner (pipelines.publish.secret) words it, with the
    contract's own threshold."""
    n = seuil or 5
    return [p.strip() for p in RULES_FR.split("\n\n") if p.strip()] + [
        f"Seuil de ce contrat : {n} (les effectifs de 1 à {n - 1} ne sont pas publiés)."
    ]


def _files_table(d: SiteData) -> str:
    if d.files.height == 0:
        return "<p>Aucun fichier partenaire en vigueur.</p>"
    rows = [
        [
            Cell(r["nom"] or r["code_partenaire"] or "—"),
            Cell(r["periode"] or "—"),
            Cell(FILE_KINDS.get(r["kind"], r["kind"] or "—")),
            Cell(format_date(r["received_at"])),
            Cell(format_number(r["rows_accepted"] or 0), css="num"),
            Cell(format_number(r["rows_rejected"] or 0), css="num"),
            Cell(format_number(r["rows_warned"] or 0), css="num"),
        ]
        for r in d.files.iter_rows(named=True)
    ]
    header = ["Partenaire", "Période", "Type", "Reçu le", "Lignes retenues", "Lignes rejetées",
              "Avertissements"]  # fmt: skip
    return table("Fichiers partenaires en vigueur", header, rows, css="wide")


def methodology_body(d: SiteData, reports_href: str | None, cumul_label: str) -> str:
    c = d.contrat
    debut, fin = c.get("date_debut"), c.get("date_fin")
    contract = (
        f"Le contrat court du {format_date(debut)} au {format_date(fin)}." if debut and fin else ""
    )
    years = f"de {d.years[0]} à {d.years[-1]}" if d.years else "—"
    statuts = "".join(
        f"<li>{statut_badge(code)} : {esc(text)}</li>"
        for code, text in (
            ("atteint", "la valeur atteinte atteint déjà la cible finale"),
            ("en_bonne_voie", "elle atteint au moins la valeur attendue à cette date"),
            (
                "a_surveiller",
                "elle manque la valeur attendue d'au plus 10 % de l'écart "
                "entre la valeur de référence et la cible",
            ),
            ("en_retard", "elle manque la valeur attendue de davantage"),
        )
        if code in STATUTS
    )
    reports = (
        f'<p>Les <a href="{esc(reports_href)}">rapports de validation</a> de la dernière '
        "exécution détaillent, fichier par fichier, les lignes retenues, rejetées et les "
        "avertissements.</p>"
        if reports_href
        else "<p>Aucun rapport de validation n'accompagne cette publication.</p>"
    )
    secret = "".join(f"<p>{esc(p)}</p>" for p in secret_rules(c.get("seuil_secret")))
    return f"""
<section aria-labelledby="periodes"><h2 id="periodes">Périodes</h2>
<p>{esc(contract)} Les indicateurs sont calculés pour chaque année civile {esc(years)}, et
pour le cumul (« {esc(cumul_label)} ») depuis le début du contrat jusqu'à la fin de la
dernière année ayant des données. Une inscription est active sur une période si la personne
est entrée au plus tard à la fin de la période et n'est pas sortie avant son début.</p></section>
<section aria-labelledby="comptage"><h2 id="comptage">Règles de comptage</h2>
<ul>
<li>Une personne suivie dans plusieurs actions compte <strong>une seule fois</strong> à
chaque périmètre au-dessus de l'action (pilier, partenaire, quartier, contrat) : les effectifs
de personnes distinctes ne s'additionnent pas d'une action à l'autre.</li>
<li>Les caractéristiques d'une personne (sexe, âge, quartier, niveau de formation,
inscription à France Travail) sont celles de son inscription active la plus récente dans le
périmètre ; le quartier retenu au périmètre du contrat la rattache à une page quartier.</li>
<li>Les sorties sont comptées par inscription : une personne qui quitte deux actions compte
deux sorties.</li>
<li>Les taux et les coûts dont le dénominateur est nul sont non définis (« n.d. »).</li>
</ul></section>
<section aria-labelledby="cibles"><h2 id="cibles">Cibles et statuts</h2>
<p>La valeur attendue d'une année se lit sur la ligne droite qui va de la valeur de référence
à la cible ; le statut compare la valeur atteinte à cette valeur attendue, dans le sens de la
cible (hausse ou baisse). La lecture à mi-parcours se fait à la date de mi-parcours du
contrat. Chaque statut est indiqué par un texte, une couleur et un pictogramme :</p>
<ul class="statuts">{statuts}</ul></section>
<section aria-labelledby="secret"><h2 id="secret">Secret statistique</h2>{secret}</section>
<section aria-labelledby="millesime"><h2 id="millesime">Millésime et sources</h2>
<p>Millésime des données : {esc(d.millesime or "non renseigné")}.
{
        esc("Dernières données reçues le " + format_date(d.date_reception_max) + ".")
        if d.date_reception_max is not None
        else ""
    }</p>
{_files_table(d)}{reports}</section>
<section aria-labelledby="definitions"><h2 id="definitions">Définitions</h2>
<p>Les définitions de chaque indicateur figurent sur la page
<a href="telechargements.html#definitions">Téléchargements</a>.</p></section>
"""
