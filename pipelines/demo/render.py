"""Turn a canonical report frame into the table a partner would type (demo files)."""

from __future__ import annotations

from datetime import datetime, time

import polars as pl

from pipelines.demo.contract import ACTION_BY_CODE, CONTRAT, PARTNER_BY_CODE, QPVS
from pipelines.demo.styles import KIND_WORDS, PERIOD_WORDS, Style
from pipelines.demo.writers import Table

DATE_PATTERNS = {"dmy": "%d/%m/%Y", "dmy_short": "%-d/%-m/%Y", "iso": "%Y-%m-%d", "yy": "%d/%m/%y"}
ACCENTS = {"mobilite": "mobilité", "sante": "santé", "numerique": "numérique"}
SESSION_HOURS = (time(9, 30), time(14, 0))


def french_amount(value: float | None) -> str | None:
    """1250.5 -> '1 250,50 €' as French Excel displays it."""
    if value is None:
        return None
    sign = "-" if value < 0 else ""
    cents = round(abs(value) * 100)
    euros = f"{cents // 100:,}".replace(",", " ")
    return f"{sign}{euros},{cents % 100:02d} €"


def _date_column(s: pl.Series, habit: str, fmt: str) -> tuple[list, str]:
    if habit == "cell" and fmt == "csv":
        habit = "dmy_short"
    if habit == "cell":
        return s.to_list(), "date"
    return s.dt.strftime(DATE_PATTERNS[habit]).to_list(), "text"


def _session_datetimes(s: pl.Series) -> list:
    # sessions in the morning or the afternoon, alternating by day of month
    return [
        None if d is None else datetime.combine(d, SESSION_HOURS[d.day % 2]) for d in s.to_list()
    ]


def _observations(df: pl.DataFrame) -> pl.Series:
    motif = pl.col("motif_sortie")
    return df.select(
        pl.when(motif == "abandon")
        .then(pl.lit("Ne vient plus, relancé par téléphone"))
        .when(motif == "emploi_durable")
        .then(pl.lit("CDI signé"))
        .when(motif == "demenagement")
        .then(pl.lit("Parti hors agglomération"))
        .otherwise(None)
    ).to_series()


def column_values(df: pl.DataFrame, col: str, style: Style, fmt: str) -> tuple[list, str]:
    """Values of one column as the partner types them, and the cell kind."""
    if col == "_libelle":
        labels = {c: a.libelle for c, a in ACTION_BY_CODE.items()}
        return df["code_action"].replace_strict(labels, default=None).to_list(), "text"
    if col == "_quartier":
        names = {q.code: q.nom for q in QPVS} | {"HORS_QPV": "Hors quartier prioritaire"}
        return df["code_qpv"].replace_strict(names, default=None).to_list(), "text"
    if col == "_obs":
        return _observations(df).to_list(), "text"
    s = df[col]
    if col == "date_seance" and style.session_dates == "datetime" and fmt != "csv":
        return _session_datetimes(s), "datetime"
    if s.dtype == pl.Date:
        habit = style.exit_dates if col == "date_sortie" and style.exit_dates else style.dates
        return _date_column(s, habit, fmt)
    if col == "sexe":
        return s.replace({"F": style.sexe[0], "H": style.sexe[1]}).to_list(), "text"
    if col == "inscrit_france_travail":
        yes, no = style.bools
        return [yes if v else no for v in s.to_list()], "text"
    if col == "presence":
        return s.replace(style.presence).to_list(), "text"
    if col == "motif_sortie":
        return s.replace(style.motif).to_list(), "text"
    if col == "freins":
        if style.frein_accents:
            s = s.str.replace_many(list(ACCENTS), list(ACCENTS.values()))
        return s.str.replace_all(";", style.frein_sep, literal=True).to_list(), "text"
    if col == "montant_accorde":
        if style.amounts == "fr":
            return [french_amount(v) for v in s.to_list()], "text"
        if style.amounts == "dot":
            return [
                None if v is None else f"{v:.2f}".rstrip("0").rstrip(".") for v in s.to_list()
            ], "text"
        return s.to_list(), "money"
    if s.dtype.is_integer():
        return s.to_list(), "int"
    return s.to_list(), "text"


def titles(partner: str, periode: str, kind: str, style: Style) -> list[str | None]:
    nom = PARTNER_BY_CODE[partner].nom
    year = periode[:4]
    lines = [
        f"Bilan d'action {year} — {nom}",
        f"{CONTRAT['libelle']} – {KIND_WORDS[kind]} ({PERIOD_WORDS[periode]})",
    ][: style.titles]
    if style.blank_after_titles:
        lines.append(None)
    return lines


def total_row(df: pl.DataFrame, kind: str, columns: list[str], values: list[list]) -> list:
    row: list = [None] * len(columns)
    row[0] = "Total"
    if kind == "financements":
        i = columns.index("montant_accorde")
        amounts = [v for v in values[i] if v is not None]
        if amounts and isinstance(amounts[0], float):
            row[i] = round(sum(amounts), 2)
        else:
            row[i] = french_amount(float(df["montant_accorde"].sum()))
    else:
        word = "participants" if kind == "participants" else "séances"
        row[1] = f"{df.height} {word}"
    return row


def mix_text_dates(values: list, every: int = 9) -> list:
    """A hand-typed text date now and then in a column of date cells."""
    out, seen = list(values), 0
    for i, v in enumerate(out):
        if v is not None and not isinstance(v, str):
            seen += 1
            if seen % every == 0:
                out[i] = v.strftime("%d/%m/%Y")
    return out


def render(
    df: pl.DataFrame,
    partner: str,
    periode: str,
    kind: str,
    style: Style,
    fmt: str,
    mixed_exit_dates: bool = False,
) -> Table:
    layout = style.headers[kind]
    columns = [c for c, _ in layout]
    values, kinds = [], []
    for c in columns:
        v, k = column_values(df, c, style, fmt)
        if c == "date_sortie" and mixed_exit_dates and k == "date":
            v = mix_text_dates(v)
        values.append(v)
        kinds.append(k)
    tab = Table(
        header=[h for _, h in layout],
        columns=values,
        kinds=kinds,
        titles=titles(partner, periode, kind, style),
        sheet={"participants": "Participants", "seances": "Présences"}.get(kind, "Financements"),
        author=PARTNER_BY_CODE[partner].nom,
    )
    if style.total_row:
        tab.trailer.append(total_row(df, kind, columns, values))
    if style.notice and fmt == "xlsx":
        tab.notice = [
            "Consignes de remplissage",
            "Une ligne par personne et par action ; ne pas saisir de nom ni de prénom.",
            "Identifiant : celui de l'outil de pseudonymisation du contrat de ville.",
            "Motifs de sortie : emploi_durable, emploi_transition, formation_qualifiante, "
            "creation_activite, abandon, demenagement, autre.",
        ]
    return tab
