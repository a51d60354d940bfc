"""The sections of the review document, in reading order, as HTML fragments built with
the site's own table and badge helpers (dashboards.html) so that a cell reads the same
in the site, the downloads and the printed review.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from dashboards.data import PILIER_LABELS
from dashboards.format import format_date, format_number, format_value
from dashboards.html import Cell, esc, statut_badge, table, value_cell
from dashboards.sections import MODALITE_LABELS as SITE_MODALITES
from dashboards.texts import FILE_KINDS, _files_table, secret_rules
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
MODALITES = {
    **SITE_MODALITES,
    "ensemble": "Ensemble",
    "qpv": "Résidents des QPV",
    "hors_qpv": "Hors QPV",
    "sans_diplome": "Sans diplôme",
    "cap_bep": "CAP, BEP",
    "bac": "Bac",
    "bac_plus_2": "Bac + 2",
    "bac_plus_3_et_plus": "Bac + 3 et plus",
    "langue": "Langue",
    "mobilite": "Mobilité",
    "financier": "Financier",
    "sante": "Santé",
    "numerique": "Numérique",
    "administratif": "Administratif",
    "garde_enfants": "Garde d'enfants",
    "logement": "Logement",
    "qualification": "Qualification",
    "aucun": "Aucun frein déclaré",
    "france_travail": "France Travail",
    "mission_locale": "Mission locale",
    "ccas": "CCAS",
    "plie": "PLIE",
    "spontane": "Démarche spontanée",
    "autre": "Autre",
    "non_renseigne": "Non renseigné",
    "etat_bop147": "État – crédits spécifiques (BOP 147)",
    "etat_droit_commun": "État – droit commun",
    "region": "Région",
    "departement": "Département",
    "epci": "EPCI",
    "commune": "Commune",
    "caf": "CAF",
    "fse": "FSE",
    "bailleur": "Bailleur social",
    "prive": "Privé",
}
COMPLETUDE_STATUTS = {
    "recu_a_temps": "Reçu à temps",
    "recu_en_retard": "Reçu en retard",
    "refuse": "Refusé",
    "manquant": "Manquant",
    "attendu": "Attendu",
    "non_attendu": "Non attendu",
}
UNAVAILABLE = (
    '<p class="indisponible">Donnée non disponible : {what} n\'est pas encore calculé par '
    "cette version du pipeline.</p>"
)


@dataclass
class Section:
    id: str
    title: str
    headings: tuple[str, ...]  # commentary headings that attach to this section
    body: str
    commentary: str | None = None
    subsections: list[str] = field(default_factory=list)  # h3 titles, for the contents


def _unavailable(what: str) -> str:
    return UNAVAILABLE.format(what=esc(what))


def _label(d: ReviewData, code: str) -> str:
    return d.site.labels.get(code, code)


def indicator_table(d: ReviewData, caption: str, codes, ptype: str, pcode: str) -> str:
    codes = [c for c in codes if d.has(c, ptype)]
    if not codes:
        return "<p>Aucun indicateur publié pour ce périmètre.</p>"
    header = ["Indicateur", *(d.period_label(p) for p in d.periods)]
    rows = [
        [Cell(_label(d, c))] + [value_cell(d.text(c, ptype, pcode, p)) for p in d.periods]
        for c in codes
    ]
    return table(caption, header, rows, css="wide")


def breakdown_table(
    d: ReviewData, code: str, ptype: str, pcode: str, ventilation: str, caption: str
) -> str | None:
    """One row per modality (and the whole), one column per period; None when the
    breakdown is not in the published table."""
    if not d.has(code, ptype, ventilation):
        return None
    header = ["Modalité", *(d.period_label(p) for p in d.periods)]
    rows = [[Cell("Ensemble")] + [value_cell(d.text(code, ptype, pcode, p)) for p in d.periods]]
    for m in d.modalities(code, ptype, ventilation):
        rows.append(
            [Cell(MODALITES.get(m, m))]
            + [value_cell(d.text(code, ptype, pcode, p, ventilation, m)) for p in d.periods]
        )
    return table(caption, header, rows, css="wide")


def _status_cell(row: dict) -> Cell:
    if row.get("secret"):
        return value_cell("s")
    return Cell(raw_html=statut_badge(row.get("statut")), css="status")


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


def midterm_table(d: ReviewData, mid: pl.DataFrame, with_scope: bool = True) -> str:
    """The mid-term reading of marts.cibles_suivi (dashboards.data keeps a value and a
    status only when they match a non-secret published cell)."""
    if mid.height == 0:
        return "<p>Aucune cible n'est fixée pour ce périmètre.</p>"
    header = [
        "Indicateur",
        *(["Périmètre"] if with_scope else []),
        "Cible",
        "Valeur attendue à mi-parcours",
        "Valeur atteinte",
        "Année lue",
        "Statut",
    ]
    rows = []
    for r in mid.iter_rows(named=True):
        code, unite = r["code_indicateur"], d.site.units.get(r["code_indicateur"], "nombre")
        lu = r["periode_valeur"]
        target = "—"
        if r["valeur_cible"] is not None:
            target = format_value(r["valeur_cible"], unite)
            target += f" en {r['annee_cible']}" if r["annee_cible"] is not None else ""
        status = _status_cell(r)
        if r["statut"] and lu and d.is_provisional(lu):
            status = Cell(raw_html=statut_badge(r["statut"]) + " (provisoire)", css="status")
        rows.append(
            [Cell(_label(d, code))]
            + (
                [Cell(_scope_label(d, r["perimetre_type"], r["perimetre_code"]))]
                if with_scope
                else []
            )
            + [
                Cell(target, css="num"),
                Cell(
                    format_value(r["valeur_attendue"], unite)
                    if r["valeur_attendue"] is not None
                    else "—",
                    css="num",
                ),
                value_cell(format_value(r["valeur_atteinte"], unite, bool(r["secret"]))),
                Cell(d.period_label(lu) if lu else "aucune année définitive", css="num"),
                status,
            ]
        )
    return table("Lecture à mi-parcours", header, rows, css="wide")


# ------------------------------------------------------------------ sections


def synthese(d: ReviewData) -> Section:
    code = d.contrat_code
    keys = _key_codes(d)
    sentences = [s for c in keys if (s := sentence(d, c, "contrat", code))]
    auto = (
        '<div class="auto" role="note"><p class="auto-label">Lecture automatique – phrases '
        "générées à partir des tableaux publiés, sans intervention humaine</p><ul>"
        + "".join(f"<li>{esc(s)}</li>" for s in sentences)
        + "</ul></div>"
        if sentences
        else ""
    )
    mid_date = d.site.contrat.get("date_mi_parcours")
    when = f" (date de mi-parcours : {format_date(mid_date)})" if mid_date else ""
    charts = "".join(
        f'<figure class="chart">{trend_chart(d, c, "contrat", code, f"cle-{c}")}'
        f"<figcaption>{esc(_label(d, c))} : valeur atteinte par année"
        + (
            " et trajectoire de la cible"
            if d.cell(c, "contrat", code, d.years[-1]).get("valeur_attendue") is not None
            else ""
        )
        + "</figcaption></figure>"
        for c in keys
        if d.years
        and any(d.cell(c, "contrat", code, y).get("valeur_cible") is not None for y in d.years)
    )
    body = (
        auto
        + "<h3>Indicateurs clés</h3>"
        + indicator_table(d, "Indicateurs clés du contrat", keys, "contrat", code)
        + f"<h3>Lecture à mi-parcours{esc(when)}</h3>"
        + '<p class="note">La lecture à mi-parcours compare la valeur atteinte à la valeur '
        "attendue sur la trajectoire de la cible (ligne droite de la valeur de référence à la "
        "cible), dans le sens de la cible.</p>"
        + midterm_table(d, d.site.midterm)
        + (f"<h3>Trajectoires des cibles du contrat</h3>{charts}" if charts else "")
    )
    subs = ["Indicateurs clés", "Lecture à mi-parcours"] + (
        ["Trajectoires des cibles du contrat"] if charts else []
    )
    return Section("synthese", "Synthèse", ("Synthèse",), body, subsections=subs)


def completude(d: ReviewData) -> Section:
    heads = ("Complétude des remontées", "Complétude")
    if d.completude is None:
        return Section(
            "completude",
            "Complétude des remontées",
            heads,
            _unavailable("le calendrier des remontées (marts.completude)"),
        )
    df = d.completude
    counts = (
        df.group_by("nom")
        .agg([(pl.col("statut") == s).sum().alias(s) for s in COMPLETUDE_STATUTS])
        .sort("nom")
    )
    rows = [
        [Cell(r["nom"])] + [Cell(format_number(r[s]), css="num") for s in COMPLETUDE_STATUTS]
        for r in counts.iter_rows(named=True)
    ]
    body = table(
        "Remontées attendues et reçues par partenaire",
        ["Partenaire", *COMPLETUDE_STATUTS.values()],
        rows,
        css="wide",
    )
    issues = df.filter(pl.col("statut").is_in(["manquant", "refuse", "recu_en_retard"]))
    if issues.height:
        rows = [
            [
                Cell(r["nom"]),
                Cell(r["periode"]),
                Cell(FILE_KINDS.get(r["type_fichier"], r["type_fichier"])),
                Cell(format_date(r["date_limite"]) if r["date_limite"] else "—"),
                Cell(format_date(r["date_reception"]) if r["date_reception"] else "—"),
                Cell(COMPLETUDE_STATUTS.get(r["statut"], r["statut"])),
            ]
            for r in issues.iter_rows(named=True)
        ]
        body += table(
            "Remontées manquantes, refusées ou en retard",
            ["Partenaire", "Période", "Type", "Date limite", "Reçu le", "Statut"],
            rows,
            css="wide",
        )
    else:
        body += "<p>Aucune remontée manquante, refusée ou en retard.</p>"
    rates = indicator_table(
        d,
        "Taux de remontée du contrat",
        ("taux_remontee", "taux_remontee_a_temps"),
        "contrat",
        d.contrat_code,
    )
    if d.has("taux_remontee", "contrat"):
        body += rates
    return Section("completude", "Complétude des remontées", heads, body)


def piliers(d: ReviewData) -> list[Section]:
    out = []
    for s in d.site.scopes.get("pilier", []):
        actions = d.site.actions.filter(pl.col("pilier") == s.code)
        names = "".join(
            f"<li>{esc(r['libelle'] or r['code_action'])} "
            f"(<code>{esc(r['code_action'])}</code>)</li>"
            for r in actions.iter_rows(named=True)
        )
        mid = d.site.midterm.filter(
            (pl.col("perimetre_type") == "pilier") & (pl.col("perimetre_code") == s.code)
        )
        body = (
            (f"<p>Actions du pilier :</p><ul>{names}</ul>" if names else "")
            + indicator_table(d, f"Indicateurs du pilier {s.label}", PILIER_CODES, "pilier", s.code)
            + (
                f"<h3>Lecture à mi-parcours</h3>{midterm_table(d, mid, False)}"
                if mid.height
                else ""
            )
        )
        residence = breakdown_table(
            d,
            "beneficiaires_uniques",
            "pilier",
            s.code,
            "residence",
            "Bénéficiaires uniques selon la résidence",
        )
        if residence:
            body += f"<h3>Résidents des QPV et autres</h3>{residence}"
        if d.years:
            chart = trend_chart(d, "beneficiaires_uniques", "pilier", s.code, f"pilier-{s.code}")
            body += (
                f'<figure class="chart">{chart}<figcaption>Bénéficiaires uniques du pilier '
                "par année</figcaption></figure>"
            )
        out.append(
            Section(
                f"pilier-{s.code}",
                f"Pilier : {s.label}",
                (f"Pilier {s.code}", f"Pilier {s.label}", s.label),
                body,
            )
        )
    return out


def comparaison_actions(d: ReviewData) -> Section:
    heads = ("Comparaison des actions", "Actions")
    actions = d.site.scopes.get("action", [])
    if not actions:
        return Section("actions", "Comparaison des actions", heads, "<p>Aucune action.</p>")
    ref = {r["code_action"]: r for r in d.site.actions.iter_rows(named=True)}
    partners = {s.code: s.label for s in d.site.scopes.get("partenaire", [])}
    codes = [c for c in ACTION_CODES if d.has(c, "action")]
    body = (
        '<p class="note">Chaque action sur la même ligne : personnes distinctes, '
        "assiduité, sorties, financement et coût. Une personne suivie dans deux actions "
        "compte dans chacune.</p>"
    )
    for periode in [p for p in ("cumul", d.years[-1] if d.years else None) if p]:
        rows = []
        for s in actions:
            a = ref.get(s.code, {})
            rows.append(
                [
                    Cell(s.label),
                    Cell(partners.get(a.get("code_partenaire"), a.get("code_partenaire") or "—")),
                ]
                + [value_cell(d.text(c, "action", s.code, periode)) for c in codes]
            )
        header = ["Action", "Partenaire", *(_label(d, c) for c in codes)]
        body += f"<h3>{esc(d.period_label(periode))}</h3>"
        body += table(
            f"Actions côte à côte – {d.period_label(periode)}", header, rows, css="wide compact"
        )
    subs = [d.period_label(p) for p in ("cumul", d.years[-1] if d.years else None) if p]
    return Section("actions", "Comparaison des actions", heads, body, subsections=subs)


def publics(d: ReviewData) -> Section:
    code = d.contrat_code
    heads = ("Qui bénéficie des actions", "Publics", "Bénéficiaires")
    body = "<h3>Résidents des quartiers prioritaires et autres</h3>"
    residence = [
        t
        for c in RESIDENCE_CODES
        if (
            t := breakdown_table(
                d, c, "contrat", code, "residence", f"{_label(d, c)} selon la résidence"
            )
        )
    ]
    body += "".join(residence) or (
        indicator_table(d, "Part des résidents des QPV", ("part_residents_qpv",), "contrat", code)
        + _unavailable("la ventilation par résidence (QPV / hors QPV)")
    )
    qpvs = d.site.scopes.get("qpv", [])
    if qpvs:
        last = d.years[-1] if d.years else "cumul"
        rows = [
            [Cell(s.label)]
            + [
                value_cell(d.text(c, "qpv", s.code, p))
                for c in ("beneficiaires_uniques", "taux_couverture_qpv")
                for p in (last, "cumul")
            ]
            for s in qpvs
        ]
        header = ["Quartier"] + [
            f"{_label(d, c)} – {d.period_label(p)}"
            for c in ("beneficiaires_uniques", "taux_couverture_qpv")
            for p in (last, "cumul")
        ]
        body += table("Bénéficiaires par quartier prioritaire", header, rows, css="wide")
    body += "<h3>Publics</h3>"
    body += indicator_table(d, "Profil des bénéficiaires", PUBLIC_CODES, "contrat", code)
    for c, v, title in (
        ("beneficiaires_uniques", "sexe", "Bénéficiaires uniques par sexe"),
        ("beneficiaires_uniques", "tranche_age", "Bénéficiaires uniques par tranche d'âge"),
        ("taux_sorties_positives", "sexe", "Taux de sorties positives par sexe"),
        ("taux_sorties_positives", "tranche_age", "Taux de sorties positives par tranche d'âge"),
        (
            "beneficiaires_uniques",
            "niveau_formation",
            "Bénéficiaires uniques par niveau de formation",
        ),
        (
            "taux_sorties_positives",
            "niveau_formation",
            "Taux de sorties positives par niveau de formation",
        ),
        ("nouveaux_entrants", "prescripteur", "Nouveaux entrants par prescripteur"),
    ):
        body += breakdown_table(d, c, "contrat", code, v, title) or ""
    if not d.has("beneficiaires_uniques", "contrat", "niveau_formation"):
        body += _unavailable("la ventilation par niveau de formation et par prescripteur")
    body += "<h3>Freins</h3>"
    freins = breakdown_table(
        d,
        "beneficiaires_uniques",
        "contrat",
        code,
        "frein",
        "Bénéficiaires uniques par frein déclaré",
    )
    body += (
        freins + '<p class="note">Une personne qui déclare deux freins compte dans les deux : '
        "les modalités peuvent dépasser l'ensemble.</p>"
        if freins
        else _unavailable("la ventilation par frein")
    )
    return Section(
        "publics",
        "Qui bénéficie des actions",
        heads,
        body,
        subsections=["Résidents des quartiers prioritaires et autres", "Publics", "Freins"],
    )


def financements(d: ReviewData) -> Section:
    code = d.contrat_code
    heads = ("Financements et pérennité", "Financements", "Financement")
    body = indicator_table(d, "Financement et pérennité du contrat", FUNDING_CODES, "contrat", code)
    if d.years:
        chart = trend_chart(d, "financement_total", "contrat", code, "financement-contrat")
        body += (
            f'<figure class="chart">{chart}<figcaption>Financement total par année'
            "</figcaption></figure>"
        )
    by_funder = breakdown_table(
        d, "financement_total", "contrat", code, "financeur", "Financement total par financeur"
    )
    body += "<h3>Part de chaque financeur</h3>" + (
        by_funder or _unavailable("la ventilation par financeur")
    )
    piliers = [s for s in d.site.scopes.get("pilier", [])]
    if piliers:
        rows = [
            [Cell(s.label)]
            + [
                value_cell(d.text(c, "pilier", s.code, "cumul"))
                for c in ("financement_total", "part_pluriannuel", "part_financement_securise_n1")
            ]
            for s in piliers
        ]
        header = [
            "Pilier",
            *(
                _label(d, c)
                for c in ("financement_total", "part_pluriannuel", "part_financement_securise_n1")
            ),
        ]
        body += "<h3>Par pilier</h3>" + table(
            f"Financement par pilier – {d.period_label('cumul')}", header, rows, css="wide"
        )
    return Section(
        "financements",
        "Financements et pérennité",
        heads,
        body,
        subsections=["Part de chaque financeur", "Par pilier"],
    )


def methodologie(d: ReviewData) -> Section:
    seuil = d.site.contrat.get("seuil_secret")
    rules = "".join(f"<p>{esc(p)}</p>" for p in secret_rules(seuil))
    body = (
        "<h3>Règles de comptage</h3><ul>"
        "<li>Une personne suivie dans plusieurs actions compte une seule fois à chaque "
        "périmètre au-dessus de l'action : les effectifs ne s'additionnent pas.</li>"
        "<li>Une inscription est active sur une période si la personne est entrée au plus tard "
        "à la fin de la période et n'est pas sortie avant son début.</li>"
        "<li>Les sorties sont comptées par inscription.</li>"
        "<li>« n.d. » : taux ou coût non défini (dénominateur nul) ; « — » : sans objet.</li>"
        "<li>Une période marquée « provisoire » attend encore des remontées : ses valeurs "
        "peuvent changer.</li></ul>"
        f"<h3>Secret statistique</h3>{rules}"
        "<p>Les valeurs de ce document sont celles des tables publiées jointes à la revue "
        "(« s » : secret statistique, exactement comme dans les tables).</p>"
        f"<h3>Fichiers partenaires en vigueur</h3>{_files_table(d.site)}"
    )
    return Section(
        "methodologie",
        "Méthodologie et confidentialité",
        ("Méthodologie et confidentialité", "Méthodologie"),
        body,
        subsections=["Règles de comptage", "Secret statistique", "Fichiers partenaires en vigueur"],
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
