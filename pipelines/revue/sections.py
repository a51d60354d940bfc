"""The sections of the review document, in reading order, as data: blocks of text, tables
of dashboards.cells (rendered by the site's own `table` macro, so that a cell reads the same
in the site, the downloads and the printed review) and charts. No markup here but Plotly's
charts; dashboards/templates/revue/document.html lays the blocks out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
from markupsafe import Markup

from dashboards.cells import Cell, Table, status_cell, value_cell
from dashboards.data import PILIER_LABELS
from dashboards.format import format_date, format_number, format_value
from dashboards.texts import _files_table, secret_rules
from indicators.completeness import STATUT_LIBELLES
from indicators.registry import MODALITE_LIBELLES
from pipelines.ingest.report_html import KIND_LABELS as FILE_KINDS
from pipelines.revue.charts import trend_chart
from pipelines.revue.content import ReviewData
from pipelines.revue.sentences import sentence

KEY_DEFAULTS = (
    "beneficiaires_uniques",
    "nouveaux_entrants",
    "part_residents_qpv",
    "part_non_inscrits_ft",
    "taux_assiduite",
    "taux_sorties_positives",
    "financement_total",
    "part_pluriannuel",
)
PILIER_CODES = (
    "beneficiaires_uniques",
    "nouveaux_entrants",
    "part_residents_qpv",
    "part_femmes",
    "taux_assiduite",
    "sorties",
    "taux_sorties_positives",
    "taux_abandon",
    "financement_total",
    "cout_par_beneficiaire",
)
ACTION_CODES = (
    "beneficiaires_uniques",
    "taux_assiduite",
    "taux_sorties_positives",
    "taux_abandon",
    "financement_total",
    "cout_par_beneficiaire",
    "part_conventions_pluriannuelles",
)
PUBLIC_CODES = (
    "part_femmes",
    "part_moins_26_ans",
    "part_50_ans_et_plus",
    "part_infra_bac",
    "part_non_inscrits_ft",
)
FUNDING_CODES = (
    "financement_total",
    "part_pluriannuel",
    "part_conventions_pluriannuelles",
    "part_credits_specifiques",
    "part_premier_financeur",
    "part_financement_securise_n1",
    "cout_par_beneficiaire",
    "cout_par_sortie_positive",
)
RESIDENCE_CODES = (
    "beneficiaires_uniques",
    "taux_assiduite",
    "taux_abandon",
    "taux_sorties_positives",
    "taux_emploi_durable",
)


@dataclass(frozen=True)
class Block:
    kind: str  # h3 | p | note | unavailable | table | chart | items | auto | commentary
    text: str = ""
    table: Table | None = None
    chart: Markup | None = None  # Plotly's chart, or (commentary) markdown-it's output
    items: tuple[str, ...] = ()


def h3(text: str) -> Block:
    return Block("h3", text)


def p(text: str) -> Block:
    return Block("p", text)


def note(text: str) -> Block:
    return Block("note", text)


def unavailable(what: str) -> Block:
    return Block(
        "unavailable",
        f"Donnée non disponible : {what} n'est pas encore calculé par cette version du pipeline.",
    )


def table(t: Table | None) -> list[Block]:
    return [Block("table", table=t)] if t is not None else []


def chart(html: Markup, caption: str) -> Block:
    return Block("chart", caption, chart=html)


@dataclass
class Section:
    id: str
    title: str
    headings: tuple[str, ...]  # commentary headings that attach to this section
    blocks: list[Block]
    commentary: Markup | None = None
    subsections: list[str] = field(default_factory=list)  # h3 titles, for the contents


def _label(d: ReviewData, code: str) -> str:
    return d.site.labels.get(code, code)


def indicator_table(d: ReviewData, caption: str, codes, ptype: str, pcode: str) -> Table | None:
    codes = [c for c in codes if d.has(c, ptype)]
    if not codes:
        return None
    header = ["Indicateur", *(d.period_label(p) for p in d.periods)]
    rows = [
        [Cell(_label(d, c))] + [value_cell(d.text(c, ptype, pcode, p)) for p in d.periods]
        for c in codes
    ]
    return Table(caption, header, rows, css="wide")


def breakdown_table(
    d: ReviewData, code: str, ptype: str, pcode: str, ventilation: str, caption: str
) -> Table | None:
    """One row per modality (and the whole), one column per period; None when the
    breakdown is not in the published table."""
    if not d.has(code, ptype, ventilation):
        return None
    header = ["Modalité", *(d.period_label(p) for p in d.periods)]
    rows = [[Cell("Ensemble")] + [value_cell(d.text(code, ptype, pcode, p)) for p in d.periods]]
    for m in d.modalities(code, ptype, ventilation):
        rows.append(
            [Cell(MODALITE_LIBELLES.get((ventilation, m), m))]
            + [value_cell(d.text(code, ptype, pcode, p, ventilation, m)) for p in d.periods]
        )
    return Table(caption, header, rows, css="wide")


def _key_codes(d: ReviewData) -> list[str]:
    code = d.contrat_code
    targeted = {
        k[0]
        for k, r in d.cells.items()
        if k[1] == "contrat" and k[2] == code and r.get("valeur_cible") is not None
    }
    wanted = set(KEY_DEFAULTS) | targeted
    return [c for c in d.site.labels if c in wanted and d.has(c, "contrat")]


def _scope_label(d: ReviewData, ptype: str, pcode: str) -> str:
    for s in d.site.scopes.get(ptype, []):
        if s.code == pcode:
            return s.label
    return PILIER_LABELS.get(pcode, pcode) if ptype == "pilier" else pcode


def midterm_table(d: ReviewData, mid: pl.DataFrame, with_scope: bool = True) -> Table | None:
    """The mid-term reading of marts.cibles_suivi (dashboards.data keeps a value and a
    status only when they match a non-secret published cell). A year read on a
    provisional period says so in the "Année lue" column."""
    if mid.height == 0:
        return None
    header = ["Indicateur", *(["Périmètre"] if with_scope else []), "Cible",
              "Valeur attendue à mi-parcours", "Valeur atteinte", "Année lue",
              "Statut"]  # fmt: skip
    rows = []
    for r in mid.iter_rows(named=True):
        code = r["code_indicateur"]
        unite = d.site.units.get(code, "nombre")
        target = "—"
        if r["valeur_cible"] is not None:
            target = format_value(r["valeur_cible"], unite)
            target += f" en {r['annee_cible']}" if r["annee_cible"] is not None else ""
        expected = r["valeur_attendue"]
        lu = r["periode_valeur"]
        scope = [Cell(_scope_label(d, r["perimetre_type"], r["perimetre_code"]))]
        rows.append(
            [Cell(_label(d, code))]
            + (scope if with_scope else [])
            + [
                Cell(target, css="num"),
                Cell(format_value(expected, unite) if expected is not None else "—", css="num"),
                value_cell(format_value(r["valeur_atteinte"], unite, bool(r["secret"]))),
                Cell(d.period_label(lu) if lu else "aucune année définitive", css="num"),
                status_cell(r),
            ]
        )
    return Table("Lecture à mi-parcours", header, rows, css="wide")


# ------------------------------------------------------------------ sections


def synthese(d: ReviewData) -> Section:
    code = d.contrat_code
    keys = _key_codes(d)
    sentences = tuple(s for c in keys if (s := sentence(d, c, "contrat", code)))
    blocks = [Block("auto", items=sentences)] if sentences else []
    blocks += [h3("Indicateurs clés")]
    blocks += table(indicator_table(d, "Indicateurs clés du contrat", keys, "contrat", code))
    mid_date = d.site.contrat.get("date_mi_parcours")
    when = f" (date de mi-parcours : {format_date(mid_date)})" if mid_date else ""
    blocks += [
        h3(f"Lecture à mi-parcours{when}"),
        note(
            "La lecture à mi-parcours compare la valeur atteinte à la valeur attendue sur la "
            "trajectoire de la cible (ligne droite de la valeur de référence à la cible), "
            "dans le sens de la cible."
        ),
    ]
    mid = midterm_table(d, d.site.midterm)
    blocks += table(mid) if mid else [p("Aucune cible n'est fixée dans cibles.csv.")]
    targeted = [
        c
        for c in keys
        if any(d.cell(c, "contrat", code, y).get("valeur_cible") is not None for y in d.years)
    ]
    subs = ["Indicateurs clés", "Lecture à mi-parcours"]
    if targeted:
        blocks.append(h3("Trajectoires des cibles du contrat"))
        subs.append("Trajectoires des cibles du contrat")
        for c in targeted:
            blocks.append(
                chart(
                    trend_chart(d, c, "contrat", code, f"cle-{c}"),
                    f"{_label(d, c)} : valeur atteinte par année et trajectoire de la cible",
                )
            )
    return Section("synthese", "Synthèse", ("Synthèse",), blocks, subsections=subs)


def completude(d: ReviewData) -> Section:
    heads = ("Complétude des remontées", "Complétude")
    title = "Complétude des remontées"
    if d.completude is None:
        blocks = [unavailable("le calendrier des remontées (marts.completude)")]
        return Section("completude", title, heads, blocks)
    df = d.completude
    counts = (
        df.group_by("nom")
        .agg([(pl.col("statut") == s).sum().alias(s) for s in STATUT_LIBELLES])
        .sort("nom")
    )
    rows = [
        [Cell(r["nom"])] + [Cell(format_number(r[s]), css="num") for s in STATUT_LIBELLES]
        for r in counts.iter_rows(named=True)
    ]
    header = ["Partenaire", *STATUT_LIBELLES.values()]
    blocks = table(Table("Remontées attendues et reçues par partenaire", header, rows, "wide"))
    issues = df.filter(pl.col("statut").is_in(["manquant", "refuse", "recu_en_retard"]))
    if issues.height:

        def day(value) -> str:
            return format_date(value) if value else "—"

        rows = [
            [
                Cell(r["nom"]),
                Cell(r["periode"]),
                Cell(FILE_KINDS.get(r["type_fichier"], r["type_fichier"])),
                Cell(day(r["date_limite"])),
                Cell(day(r["date_reception"])),
                Cell(STATUT_LIBELLES.get(r["statut"], r["statut"])),
            ]
            for r in issues.iter_rows(named=True)
        ]
        header = ["Partenaire", "Période", "Type", "Date limite", "Reçu le", "Statut"]
        caption = "Remontées manquantes, refusées ou en retard"
        blocks += table(Table(caption, header, rows, css="wide"))
    else:
        blocks.append(p("Aucune remontée manquante, refusée ou en retard."))
    codes = ("taux_remontee", "taux_remontee_a_temps")
    blocks += table(indicator_table(d, "Taux de remontée du contrat", codes, "contrat",
                                    d.contrat_code))  # fmt: skip
    return Section("completude", title, heads, blocks)


def piliers(d: ReviewData) -> list[Section]:
    out = []
    for s in d.site.scopes.get("pilier", []):
        actions = d.site.actions.filter(pl.col("pilier") == s.code)
        names = tuple(
            f"{r['libelle'] or r['code_action']} ({r['code_action']})"
            for r in actions.iter_rows(named=True)
        )
        blocks = [p("Actions du pilier :"), Block("items", items=names)] if names else []
        caption = f"Indicateurs du pilier {s.label}"
        blocks += table(indicator_table(d, caption, PILIER_CODES, "pilier", s.code))
        mid = d.site.midterm.filter(
            (pl.col("perimetre_type") == "pilier") & (pl.col("perimetre_code") == s.code)
        )
        if mid.height:
            blocks += [h3("Lecture à mi-parcours"), *table(midterm_table(d, mid, False))]
        residence = breakdown_table(
            d, "beneficiaires_uniques", "pilier", s.code, "residence",
            "Bénéficiaires uniques selon la résidence",
        )  # fmt: skip
        if residence:
            blocks += [h3("Résidents des QPV et autres"), *table(residence)]
        if d.years:
            html = trend_chart(d, "beneficiaires_uniques", "pilier", s.code, f"pilier-{s.code}")
            blocks.append(chart(html, "Bénéficiaires uniques du pilier par année"))
        heads = (f"Pilier {s.code}", f"Pilier {s.label}", s.label)
        out.append(Section(f"pilier-{s.code}", f"Pilier : {s.label}", heads, blocks))
    return out


def comparaison_actions(d: ReviewData) -> Section:
    heads = ("Comparaison des actions", "Actions")
    title = "Comparaison des actions"
    actions = d.site.scopes.get("action", [])
    if not actions:
        return Section("actions", title, heads, [p("Aucune action.")])
    ref = {r["code_action"]: r for r in d.site.actions.iter_rows(named=True)}
    partners = {s.code: s.label for s in d.site.scopes.get("partenaire", [])}
    codes = [c for c in ACTION_CODES if d.has(c, "action")]
    blocks = [
        note(
            "Les actions côte à côte : personnes distinctes, assiduité, sorties, financement et "
            "coût. Une personne suivie dans deux actions compte dans chacune."
        )
    ]
    periods = [x for x in ("cumul", d.years[-1] if d.years else None) if x]
    for periode in periods:
        rows = []
        for s in actions:
            partner = ref.get(s.code, {}).get("code_partenaire")
            rows.append(
                [Cell(s.label), Cell(partners.get(partner, partner or "—"))]
                + [value_cell(d.text(c, "action", s.code, periode)) for c in codes]
            )
        header = ["Action", "Partenaire", *(_label(d, c) for c in codes)]
        caption = f"Actions côte à côte – {d.period_label(periode)}"
        blocks += [h3(d.period_label(periode)), *table(Table(caption, header, rows, "compact"))]
    subs = [d.period_label(x) for x in periods]
    return Section("actions", title, heads, blocks, subsections=subs)


def publics(d: ReviewData) -> Section:
    code = d.contrat_code
    heads = ("Qui bénéficie des actions", "Publics", "Bénéficiaires")
    blocks = [h3("Résidents des quartiers prioritaires et autres")]
    residence = [
        t
        for c in RESIDENCE_CODES
        if (t := breakdown_table(d, c, "contrat", code, "residence",
                                 f"{_label(d, c)} selon la résidence"))
    ]  # fmt: skip
    if residence:
        blocks += [Block("table", table=t) for t in residence]
    else:
        blocks += table(
            indicator_table(d, "Part des résidents des QPV", ("part_residents_qpv",), "contrat",
                            code)
        )  # fmt: skip
        blocks.append(unavailable("la ventilation par résidence (QPV / hors QPV)"))
    qpvs = d.site.scopes.get("qpv", [])
    if qpvs:
        last = d.years[-1] if d.years else "cumul"
        pairs = [(c, x) for c in ("beneficiaires_uniques", "taux_couverture_qpv")
                 for x in (last, "cumul")]  # fmt: skip
        rows = [
            [Cell(s.label)] + [value_cell(d.text(c, "qpv", s.code, x)) for c, x in pairs]
            for s in qpvs
        ]
        header = ["Quartier"] + [f"{_label(d, c)} – {d.period_label(x)}" for c, x in pairs]
        blocks += table(Table("Bénéficiaires par quartier prioritaire", header, rows, "wide"))
    blocks.append(h3("Publics"))
    blocks += table(indicator_table(d, "Profil des bénéficiaires", PUBLIC_CODES, "contrat", code))
    for c, v, caption in (
        ("beneficiaires_uniques", "sexe", "Bénéficiaires uniques par sexe"),
        ("beneficiaires_uniques", "tranche_age", "Bénéficiaires uniques par tranche d'âge"),
        ("taux_sorties_positives", "sexe", "Taux de sorties positives par sexe"),
        ("taux_sorties_positives", "tranche_age", "Taux de sorties positives par tranche d'âge"),
        ("beneficiaires_uniques", "niveau_formation",
         "Bénéficiaires uniques par niveau de formation"),
        ("taux_sorties_positives", "niveau_formation",
         "Taux de sorties positives par niveau de formation"),
        ("nouveaux_entrants", "prescripteur", "Nouveaux entrants par prescripteur"),
    ):  # fmt: skip
        blocks += table(breakdown_table(d, c, "contrat", code, v, caption))
    if not d.has("beneficiaires_uniques", "contrat", "niveau_formation"):
        blocks.append(unavailable("la ventilation par niveau de formation et par prescripteur"))
    blocks.append(h3("Freins"))
    freins = breakdown_table(d, "beneficiaires_uniques", "contrat", code, "frein",
                             "Bénéficiaires uniques par frein déclaré")  # fmt: skip
    if freins:
        blocks += table(freins)
        blocks.append(
            note(
                "Une personne qui déclare deux freins compte dans les deux : les modalités "
                "peuvent dépasser l'ensemble."
            )
        )
    else:
        blocks.append(unavailable("la ventilation par frein"))
    subs = ["Résidents des quartiers prioritaires et autres", "Publics", "Freins"]
    return Section("publics", "Qui bénéficie des actions", heads, blocks, subsections=subs)


def financements(d: ReviewData) -> Section:
    code = d.contrat_code
    heads = ("Financements et pérennité", "Financements", "Financement")
    caption = "Financement et pérennité du contrat"
    blocks = table(indicator_table(d, caption, FUNDING_CODES, "contrat", code))
    if d.years:
        html = trend_chart(d, "financement_total", "contrat", code, "financement-contrat")
        blocks.append(chart(html, "Financement total par année"))
    blocks.append(h3("Part de chaque financeur"))
    by_funder = breakdown_table(d, "financement_total", "contrat", code, "financeur",
                                "Financement total par financeur")  # fmt: skip
    blocks += table(by_funder) if by_funder else [unavailable("la ventilation par financeur")]
    piliers = d.site.scopes.get("pilier", [])
    if piliers:
        codes = ("financement_total", "part_pluriannuel", "part_financement_securise_n1")
        rows = [
            [Cell(s.label)] + [value_cell(d.text(c, "pilier", s.code, "cumul")) for c in codes]
            for s in piliers
        ]
        header = ["Pilier", *(_label(d, c) for c in codes)]
        caption = f"Financement par pilier – {d.period_label('cumul')}"
        blocks += [h3("Par pilier"), *table(Table(caption, header, rows, "wide"))]
    subs = ["Part de chaque financeur", "Par pilier"]
    return Section("financements", "Financements et pérennité", heads, blocks, subsections=subs)


def methodologie(d: ReviewData) -> Section:
    rules = [p(text) for text in secret_rules(d.site.contrat.get("seuil_secret"))]
    counting = (
        "Une personne suivie dans plusieurs actions compte une seule fois à chaque périmètre "
        "au-dessus de l'action : les effectifs ne s'additionnent pas.",
        "Une inscription est active sur une période si la personne est entrée au plus tard à "
        "la fin de la période et n'est pas sortie avant son début.",
        "Les sorties sont comptées par inscription.",
        "« n.d. » : taux ou coût non défini (dénominateur nul) ; « — » : sans objet.",
        "Une période marquée « provisoire » attend encore des remontées : ses valeurs peuvent "
        "changer.",
    )
    blocks = [
        h3("Règles de comptage"),
        Block("items", items=counting),
        h3("Secret statistique"),
        *rules,
        p(
            "Les valeurs de ce document sont celles des tables publiées jointes à la revue "
            "(« s » : secret statistique, exactement comme dans les tables)."
        ),
        h3("Fichiers partenaires en vigueur"),
    ]
    files = _files_table(d.site)
    blocks += table(files) if files else [p("Aucun fichier partenaire en vigueur.")]
    subs = ["Règles de comptage", "Secret statistique", "Fichiers partenaires en vigueur"]
    heads = ("Méthodologie et confidentialité", "Méthodologie")
    return Section(
        "methodologie", "Méthodologie et confidentialité", heads, blocks, subsections=subs
    )


def build_sections(d: ReviewData) -> list[Section]:
    return [
        synthese(d),
        completude(d),
        *piliers(d),
        comparaison_actions(d),
        publics(d),
        financements(d),
        methodologie(d),
    ]
