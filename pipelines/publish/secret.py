"""Statistical confidentiality (secret statistique) of the published indicator table.

Model. Each row of marts.indicateurs publishes some *counts* ("cells"): a count of
people, exits (sorties) or sessions (séances). A cell is identified by
(measure, periode, perimetre_type, perimetre_code, ventilation, modalite), so that the
same count published in several rows is one cell: e.g. the women of the contract are
the `F` row of beneficiaires_uniques and the numerator of part_femmes at contract scope;
the exits of an action are the `sorties` row and the denominator of its three exit rates.
Each indicator of the registry lists the cells a row rests on (cellules_secret). A row is
secret when any of its cells is secret; its valeur, numerateur and denominateur are then
nulled.

Primary secret (secret primaire). A cell is secret when its value is between 1 and
seuil − 1 (0 is published). The cells of a row are: the count itself; for a share, its
numerator, its denominator and their difference (the complement: 48 women out of 50
people tells that 2 are men); for a cost, its denominator (people or positive exits).
Funding amounts (financement_total and the funding shares) and QPV populations are never
secret, so those rows never are.

Secondary secret (secret secondaire). Published totals and breakdowns are linked by
exact sums ("groups": total = sum of parts):
- a share: denominator = numerator + complement;
- breakdowns: ensemble = F + H = moins_26 + 26_49 + 50_plus, for people at contract
  scope and for the exits and positive exits of taux_sorties_positives;
- QPV: QPV residents of the contract = sum of the beneficiaries of each QPV (the qpv
  scope groups people by their one contract-level code_qpv, so these do add up);
- exits and sessions are counted per enrolment / per session row, so they add up over
  the hierarchy: actions -> their partner, actions -> their pilier, partners -> contract,
  piliers -> contract, and years -> cumul (exact when the contract starts on 1 January,
  otherwise kept as if exact, which only protects more).
(v2) Additive breakdowns residence, niveau_formation and prescripteur are groups like sexe
(people by residence are the numerator / complement cells of part_residents_qpv; the
infra-bac numerator and complement are sums of education-level cells); exits and sessions
by residence also add up from piliers to the contract; sessions with no enrolment have no
residence, the sum is kept as if exact (protects more). frein is not a partition (one
person, several barriers): its cells are only primary. financeur rows are euros. A
taux_assiduite row whose sessions rest on 1..seuil-1 distinct people (column
PEOPLE_COLUMN, from marts.assiduite_personnes) has all its counts made primary secret.
Unique people counts are NOT additive across actions, partners or piliers (one person
may follow several actions) nor across years, so they are not part of that hierarchy.
Rule on each group: secret cells are 0 or at least 2 (never exactly one), and when the
total is published, the sum of the hidden parts (= total − published parts, which anyone
can compute) is 0 or at least seuil. While a group breaks it, the smallest published
non-zero part is hidden (a zero part hides nothing: its cell can still be bounded), else
the smallest zero part, else the total. This is iterated until stable.
Groups can combine (a partner spanning two piliers makes cycles, and an isolated hidden
action can be solved through partner and pilier sums together), so after the group rule
an exact check (recompute.py) solves the linear system of all groups over the cells that
no published row shows: if a primary cell is determined, the smallest published cell of a
group it belongs to (else of its connected system) is hidden and everything is iterated
again. Not covered: bounds an attacker could derive beyond the "hidden sum >= seuil"
rule (e.g. from non-negativity across several groups), and links between indicators that
are not exact sums (nouveaux_entrants <= beneficiaires_uniques, people across actions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from indicators.registry import BY_CODE, INDICATEURS, MODALITES, NON_ADDITIVES, Cellule
from pipelines.publish.recompute import fixed_unknowns
from pipelines.settings import DEFAULT_SEUIL_SECRET

# Public wording of the rule (methodology page, XLSX 'lisez-moi'); paragraphs split by a
# blank line.
RULES_FR = (
    "Une valeur n'est pas publiée (elle est notée « s », secret statistique) lorsqu'elle "
    "repose sur un effectif de personnes, de sorties ou de séances compris entre 1 et le "
    f"seuil du contrat moins un (seuil de {DEFAULT_SEUIL_SECRET} par défaut : effectifs de 1 "
    f"à {DEFAULT_SEUIL_SECRET - 1}) : l'effectif "
    "lui-même ; pour une part ou un taux, son numérateur, son dénominateur ou leur "
    "différence ; pour un coût, son dénominateur (secret primaire). Un taux d'assiduité "
    "est aussi secret lorsque ses séances concernent de 1 à seuil moins un personnes "
    "distinctes, même si elles sont nombreuses. Les montants de financement, les "
    "conventions de financement et les populations des quartiers prioritaires ne sont "
    "jamais secrets."
    "\n\n"
    "D'autres valeurs sont ensuite masquées (secret secondaire) pour qu'aucune valeur "
    "secrète ne puisse être retrouvée par différence à partir des totaux publiés : "
    "ventilations par sexe, par tranche d'âge, par lieu de résidence (QPV ou hors QPV), "
    "par niveau de formation et par prescripteur, bénéficiaires par quartier prioritaire, "
    "sorties et séances additionnées des actions à leur partenaire et à leur pilier puis "
    "au contrat, et des années au cumul. Dans chacune de ces sommes, on masque soit aucune "
    "valeur, soit au moins deux, dont le total masqué atteint le seuil. Les bénéficiaires "
    "uniques ne s'additionnent pas d'une action à l'autre (une personne peut suivre "
    "plusieurs actions) : ils ne forment pas de telles sommes ; de même, une personne "
    "pouvant déclarer plusieurs freins, la ventilation par frein n'est pas une somme."
)

CELL_KEY = ("measure", "periode", "perimetre_type", "perimetre_code", "ventilation", "modalite")
_SEP = "\x1f"


Q = Cellule  # a cell a row rests on, declared per indicator in indicators/registry.py

# Cells each indicator rests on (see the module docstring), from the registry.
QUANTITIES: dict[str, tuple[Q, ...]] = {
    i.code: i.cellules_secret for i in INDICATEURS if i.cellules_secret is not None
}

# Counted per enrolment or per session row: they add up over actions and years.
ADDITIVE_PREFIXES = ("sorties", "seances")

# (v2) Optional column of the input: distinct people behind a taux_assiduite row's sessions
# (marts.assiduite_personnes). When 1..seuil-1, every count of that row is primary secret.
PEOPLE_COLUMN = "personnes_seances"

# (v2) Beneficiaries by residence are the numerator and complement of part_residents_qpv at
# the same scope: one cell each, so that hiding one hides the other.
_RESIDENCE_ALIAS = {"qpv": "personnes_qpv", "hors_qpv": "personnes_hors_qpv"}

# (v2) Sub-sums of the education-level breakdown (contract scope): part_infra_bac's
# numerator and complement are sums of niveau_formation cells.
NIVEAU_SUBTOTALS = {
    "personnes_infra_bac": ("sans_diplome", "cap_bep"),
    "personnes_bac_et_plus": ("bac", "bac_plus_2", "bac_plus_3_et_plus"),
}


def quantities_of(code: str) -> tuple[Q, ...]:
    """Cells an indicator rests on; an indicator missing here is protected from its unit."""
    if code in QUANTITIES:
        return QUANTITIES[code]
    ind = BY_CODE.get(code)
    if ind is not None and ind.secret_base == "none":
        return ()
    if ind is not None and ind.unite == "nombre":
        return (Q("valeur", code),)
    return (Q("numerateur", f"{code}:numerateur"), Q("denominateur", f"{code}:denominateur"))


@dataclass(frozen=True)
class Hierarchy:
    """Reference structure behind the additive groups.

    actions: code_action -> (code_partenaire, pilier); qpv: the QPV codes of qpv.csv
    (when empty, the QPVs present in the table are used).
    """

    actions: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    qpv: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, con) -> Hierarchy:
        # fetchall: DuckDB refuses new work while a result is half-read
        actions = con.execute("SELECT code_action, code_partenaire, pilier FROM ref.actions")
        actions = actions.fetchall()
        qpv = con.execute("SELECT code_qpv FROM ref.qpv ORDER BY code_qpv").fetchall()
        return cls({a: (p, x) for a, p, x in actions}, tuple(q for (q,) in qpv))


def _cell_id() -> pl.Expr:
    return pl.concat_str([pl.col(c) for c in CELL_KEY], separator=_SEP)


def _occurrences(df: pl.DataFrame) -> pl.DataFrame:
    """One row per (table row, cell it rests on): _row, source, cell, value."""
    spec = pl.DataFrame(
        [
            (code, q.source, q.measure, q.ventilation, q.modalite)
            for code in df["code_indicateur"].unique().to_list()
            for q in quantities_of(code)
        ],
        schema={c: pl.String for c in ("code_indicateur", "source", "measure", "q_vent", "q_mod")},
        orient="row",
    )
    value = (
        pl.when(pl.col("source") == "valeur")
        .then(pl.col("valeur"))
        .when(pl.col("source") == "numerateur")
        .then(pl.col("numerateur"))
        .when(pl.col("source") == "denominateur")
        .then(pl.col("denominateur"))
        .when(pl.col("source") == "personnes")
        .then(pl.col(PEOPLE_COLUMN))
        .otherwise(pl.col("denominateur") - pl.col("numerateur"))
    )
    if PEOPLE_COLUMN not in df.columns:
        df = df.with_columns(pl.lit(None, pl.Float64).alias(PEOPLE_COLUMN))
    # At a qpv scope every beneficiary is a resident of that QPV: same cell.
    measure = (
        pl.when((pl.col("perimetre_type") == "qpv") & (pl.col("measure") == "personnes_qpv"))
        .then(pl.lit("personnes"))
        .otherwise(pl.col("measure"))
    )
    # (v2) beneficiaries by residence = part_residents_qpv's numerator / complement
    by_residence = (pl.col("measure") == "personnes") & (pl.col("ventilation") == "residence")
    measure = (
        pl.when(by_residence)
        .then(pl.col("modalite").replace_strict(_RESIDENCE_ALIAS, default=None))
        .otherwise(measure)
    )
    ensemble = pl.when(by_residence).then(pl.lit("ensemble"))
    return (
        df.join(spec, on="code_indicateur", how="inner")
        .with_columns(
            value=value.cast(pl.Float64).fill_nan(None),
            ventilation=pl.coalesce("q_vent", "ventilation"),
            modalite=pl.coalesce("q_mod", "modalite"),
        )
        .with_columns(
            measure=measure,
            ventilation=ensemble.otherwise(pl.col("ventilation")),
            modalite=ensemble.otherwise(pl.col("modalite")),
        )
        .filter(pl.col("value").is_not_null())
        .select("_row", "source", cell=_cell_id(), value="value")
    )


def _cells(occ: pl.DataFrame, seuil: int) -> pl.DataFrame:
    """One row per cell: its value and whether it is primary secret."""
    in_secret_range = (pl.col("value") > 0) & (pl.col("value") < seuil)
    return occ.group_by("cell").agg(value=pl.col("value").max(), primary=in_secret_range.any())


def _is_additive(col: str = "measure") -> pl.Expr:
    return pl.any_horizontal(pl.col(col).str.starts_with(p) for p in ADDITIVE_PREFIXES)


def _ensemble_cell(measure, periode, ptype, pcode) -> pl.Expr:
    """Cell id of an ensemble/ensemble count from four column expressions."""
    return pl.concat_str(
        [measure, periode, ptype, pcode, pl.lit("ensemble"), pl.lit("ensemble")], separator=_SEP
    )


def _members(df: pl.DataFrame, occ: pl.DataFrame, cells: pl.DataFrame, h: Hierarchy):
    """Every group as rows (eq, role 'total'|'part', cell)."""
    key = pl.col("cell").str.split(_SEP).list.to_struct(fields=list(CELL_KEY))
    cells_k = cells.select("cell", k=key).unnest("k")
    role = (
        pl.when(pl.col("source") == "denominateur").then(pl.lit("total")).otherwise(pl.lit("part"))
    )
    groups: list[pl.DataFrame] = []

    # share: denominator = numerator + complement (the three sit in one row)
    with_comp = occ.filter(pl.col("source") == "complement").select("_row")
    groups.append(
        occ.join(with_comp, on="_row")
        .filter(pl.col("source").is_in(["numerateur", "denominateur", "complement"]))
        .select(eq=pl.lit("c") + pl.col("_row").cast(pl.String), role=role, cell="cell")
    )

    # breakdowns: ensemble = sum of the modalites of a ventilation (sexe, tranche_age)
    # (frein is not a partition: a person with two barriers counts under both)
    mods = pl.DataFrame(
        [
            (v, m)
            for v, ms in MODALITES.items()
            if v != "ensemble" and v not in NON_ADDITIVES
            for m in ms
        ],
        schema=["ventilation", "modalite"],
        orient="row",
    )
    bd = (
        cells_k.filter(
            (pl.col("ventilation") != "ensemble")
            & ~pl.col("ventilation").is_in(list(NON_ADDITIVES))
        )
        .select(CELL_KEY[:-1])
        .unique()
        .with_columns(eq=pl.lit("b") + pl.concat_str(CELL_KEY[:-1], separator=_SEP))
    )
    groups.append(
        bd.join(mods, on="ventilation").select("eq", role=pl.lit("part"), cell=_cell_id())
    )
    groups.append(
        bd.with_columns(ventilation=pl.lit("ensemble"), modalite=pl.lit("ensemble")).select(
            "eq", role=pl.lit("total"), cell=_cell_id()
        )
    )

    groups += _niveau_subtotals(cells_k)

    periodes = pl.DataFrame({"periode": df["periode"].unique().sort()})
    contrats = df.filter(pl.col("perimetre_type") == "contrat")["perimetre_code"].unique()
    qpv = list(h.qpv) or df.filter(pl.col("perimetre_type") == "qpv")["perimetre_code"].unique()
    if len(contrats) and len(qpv):
        # QPV residents of the contract = sum of the beneficiaries of each QPV
        links = pl.DataFrame({"pcode": list(qpv)}).join(
            pl.DataFrame({"contrat": contrats}), how="cross"
        )
        eq = pl.concat_str([pl.lit("q"), "contrat", "periode"], separator=_SEP)
        q = links.join(periodes, how="cross")
        groups.append(
            q.select(
                eq=eq,
                role=pl.lit("part"),
                cell=_ensemble_cell(pl.lit("personnes"), "periode", pl.lit("qpv"), "pcode"),
            )
        )
        groups.append(
            q.select(
                eq=eq,
                role=pl.lit("total"),
                cell=_ensemble_cell(
                    pl.lit("personnes_qpv"), "periode", pl.lit("contrat"), "contrat"
                ),
            )
        )

    additive = cells_k.filter(_is_additive()).select("measure").unique()
    links = _hierarchy_links(df, contrats.to_list(), h)
    if additive.height and links.height:
        # exits and sessions: action -> partenaire / pilier -> contrat
        grid = links.join(periodes, how="cross").join(additive, how="cross")
        eq = pl.concat_str(["measure", "periode", "parent_t", "parent", "child_t"], separator=_SEP)
        groups.append(
            grid.select(
                eq=pl.lit("h") + eq,
                role=pl.lit("part"),
                cell=_ensemble_cell("measure", "periode", "child_t", "child"),
            )
        )
        groups.append(
            grid.select(
                eq=pl.lit("h") + eq,
                role=pl.lit("total"),
                cell=_ensemble_cell("measure", "periode", "parent_t", "parent"),
            )
        )

    # (v2) exits and sessions by residence: piliers -> contrat
    by_pilier = cells_k.filter(
        (pl.col("perimetre_type") == "pilier")
        & (pl.col("ventilation") != "ensemble")
        & _is_additive()
    )
    piliers = links.filter((pl.col("child_t") == "pilier") & (pl.col("parent_t") == "contrat"))
    if by_pilier.height and piliers.height:
        keys = by_pilier.select("measure", "periode", "ventilation", "modalite").unique()
        grid = keys.join(piliers.select("child", "parent"), how="cross")
        eq = pl.concat_str(
            [pl.lit("r"), "measure", "periode", "ventilation", "modalite", "parent"], separator=_SEP
        )
        for role, scope, code in (("part", "pilier", "child"), ("total", "contrat", "parent")):
            cell = ["measure", "periode", pl.lit(scope), code, "ventilation", "modalite"]
            groups.append(
                grid.select(eq=eq, role=pl.lit(role), cell=pl.concat_str(cell, separator=_SEP))
            )

    # exits and sessions: years -> cumul
    years = periodes.filter(pl.col("periode").str.contains(r"^\d{4}$"))
    cumul = cells_k.filter((pl.col("periode") == "cumul") & _is_additive()).with_columns(
        eq=pl.lit("t") + pl.col("cell")
    )
    if years.height and cumul.height:
        groups.append(cumul.select("eq", role=pl.lit("total"), cell="cell"))
        groups.append(
            cumul.drop("periode", "cell")
            .join(years, how="cross")
            .select("eq", role=pl.lit("part"), cell=_cell_id())
        )
    return pl.concat(groups, how="vertical").unique()


def _niveau_subtotals(cells_k: pl.DataFrame) -> list[pl.DataFrame]:
    """(v2) part_infra_bac's numerator and complement = sums of education-level cells."""
    where = (
        cells_k.filter(
            (pl.col("measure") == "personnes") & (pl.col("ventilation") == "niveau_formation")
        )
        .select("periode", "perimetre_type", "perimetre_code")
        .unique()
    )
    groups = []
    for subtotal, parts in NIVEAU_SUBTOTALS.items():
        eq = pl.concat_str(
            [pl.lit("n" + subtotal), "periode", "perimetre_type", "perimetre_code"], separator=_SEP
        )
        total = where.with_columns(
            measure=pl.lit(subtotal), ventilation=pl.lit("ensemble"), modalite=pl.lit("ensemble")
        )
        groups.append(total.select(eq=eq, role=pl.lit("total"), cell=_cell_id()))
        members = where.join(pl.DataFrame({"modalite": list(parts)}), how="cross")
        members = members.with_columns(
            measure=pl.lit("personnes"), ventilation=pl.lit("niveau_formation")
        )
        groups.append(members.select(eq=eq, role=pl.lit("part"), cell=_cell_id()))
    return groups


def _hierarchy_links(df: pl.DataFrame, contrats: list[str], h: Hierarchy) -> pl.DataFrame:
    """Edges child -> parent of the additive hierarchy (child_t, child, parent_t, parent)."""
    schema = ["child_t", "child", "parent_t", "parent"]
    present = df.filter(pl.col("perimetre_type").is_in(["partenaire", "pilier"]))
    partners = set(present.filter(pl.col("perimetre_type") == "partenaire")["perimetre_code"])
    piliers = set(present.filter(pl.col("perimetre_type") == "pilier")["perimetre_code"])
    partners |= {p for p, _ in h.actions.values()}
    piliers |= {x for _, x in h.actions.values()}
    rows = [("action", a, "partenaire", p) for a, (p, _) in h.actions.items()]
    rows += [("action", a, "pilier", x) for a, (_, x) in h.actions.items()]
    for contrat in contrats:
        rows += [("partenaire", p, "contrat", contrat) for p in sorted(partners)]
        rows += [("pilier", x, "contrat", contrat) for x in sorted(piliers)]
    return pl.DataFrame(rows, schema=schema, orient="row")


def _group_rule(cells: pl.DataFrame, members: pl.DataFrame, seuil: int) -> pl.DataFrame:
    """Hide cells until no group holds exactly one hidden cell next to a secret one, nor
    a published total whose hidden parts sum to 1..seuil-1 (see the module docstring)."""
    is_total = pl.col("role") == "total"
    # joined once: an iteration only hides more cells (their secret flag, kept in step)
    joined = members.join(cells.select("cell", "value", "secret", "missing"), on="cell")
    while True:
        m = joined.with_columns(hidden=pl.col("secret") | pl.col("missing"))
        stats = m.group_by("eq").agg(
            n_hidden=pl.col("hidden").sum(),
            any_secret=pl.col("secret").any(),
            total_hidden=(pl.col("hidden") & is_total).any(),
            hidden_sum=pl.col("value").filter(is_total).max()
            - pl.col("value").filter(~is_total & ~pl.col("hidden")).sum(),
        )
        small_rest = ~pl.col("total_hidden") & (pl.col("hidden_sum") > 0)
        small_rest = small_rest & (pl.col("hidden_sum") < seuil)
        bad = stats.filter(pl.col("any_secret") & ((pl.col("n_hidden") == 1) | small_rest))
        if bad.height == 0:
            return cells
        # per group: the smallest published non-zero part, else a zero part, else the total
        picks = (
            m.join(bad.select("eq"), on="eq")
            .filter(~pl.col("hidden"))
            .sort(["eq", is_total, pl.col("value") == 0, "value", "cell"])
            .group_by("eq", maintain_order=True)
            .first()["cell"]
        )
        if picks.len() == 0:  # nothing left to hide (inconsistent sums): stop
            return cells
        hide = pl.col("secret") | pl.col("cell").is_in(picks.implode())
        cells = cells.with_columns(secret=hide)
        joined = joined.with_columns(secret=hide)


def _hidden_rows(occ: pl.DataFrame, cells: pl.DataFrame) -> pl.DataFrame:
    return occ.join(cells.filter("secret").select("cell"), on="cell").select("_row").unique()


def _solvable_primary(
    cells: pl.DataFrame, members: pl.DataFrame, occ: pl.DataFrame, hidden_rows: pl.DataFrame
) -> list[str]:
    """Cells to hide so that no primary cell can be solved from all the groups together.

    Unknowns are the cells that no published row shows. For each primary unknown fixed
    by the groups, hide the smallest published cell of a group it belongs to (else of its
    connected system of groups).
    """
    published = occ.join(hidden_rows, on="_row", how="anti").select("cell").unique()
    m = members.join(cells.select("cell", "value", "primary"), on="cell").join(
        published.with_columns(known=pl.lit(True)), on="cell", how="left"
    )
    m = m.with_columns(pl.col("known").fill_null(False))
    unknown = m.filter(~pl.col("known"))
    if unknown.height == 0 or not unknown["primary"].any():
        return []
    systems = (
        unknown.with_columns(coef=pl.when(pl.col("role") == "total").then(-1).otherwise(1))
        .group_by("eq")
        .agg("cell", "coef")
        .sort("eq")
    )
    cells_of, coefs_of = systems["cell"].to_list(), systems["coef"].to_list()
    equations = [dict(zip(c, k, strict=True)) for c, k in zip(cells_of, coefs_of, strict=True)]
    primary = unknown.filter("primary")["cell"].unique().sort().to_list()
    fixed = fixed_unknowns(equations, primary)
    if not fixed:
        return []
    smallest = [pl.col("value") == 0, "value", "cell"]
    known = m.filter("known").select("eq", "cell", "value")
    leaks = unknown.filter(pl.col("cell").is_in(sorted(fixed))).select("eq", leak="cell")
    near = (
        leaks.join(known, on="eq")
        .sort(["leak", *smallest])
        .group_by("leak", maintain_order=True)
        .first()
    )
    picks = set(near["cell"])
    far = fixed - set(near["leak"])
    if far:  # every group of the leaking cell is hidden: look in its whole system
        comp = _components(cells_of)
        ids = {comp[c] for c in far}
        eqs = unknown.filter(pl.col("cell").replace_strict(comp).is_in(sorted(ids)))["eq"]
        pool = known.filter(pl.col("eq").is_in(eqs.unique().implode())).sort(smallest)
        picks |= set(pool["cell"].head(1))
    return sorted(picks)


def _components(groups: list[list[str]]) -> dict[str, int]:
    """Connected components (union-find) of cells that share a group."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for group in groups:
        root = find(group[0])
        for c in group[1:]:
            parent[find(c)] = root
    roots: dict[str, int] = {}
    return {c: roots.setdefault(find(c), len(roots)) for c in list(parent)}


def _people_behind_sessions(occ: pl.DataFrame, cells: pl.DataFrame) -> pl.DataFrame:
    """(v2) A rate over sessions resting on 1..seuil-1 people: all its counts are primary
    secret, so that the usual sums cannot give them back."""
    people = occ.filter(pl.col("source") == "personnes")
    rows = people.join(cells.filter("primary").select("cell"), on="cell").select("_row")
    forced = occ.join(rows, on="_row").select("cell").unique()
    hit = pl.col("cell").is_in(forced["cell"].implode())
    return cells.with_columns(primary=pl.col("primary") | hit, secret=pl.col("secret") | hit)


def apply_confidentiality(
    df: pl.DataFrame, seuil: int, hierarchy: Hierarchy | None = None
) -> pl.DataFrame:
    """Rows of marts.indicateurs with `secret` and `secret_raison` ('primaire' |
    'secondaire') added, and valeur / numerateur / denominateur nulled where secret.

    Pure function: same rows, same order. `hierarchy` gives the action -> partner and
    action -> pilier links and the QPV list (Hierarchy.from_db(con)); without it only
    the groups visible in the table itself (shares, breakdowns, years -> cumul) are used.
    """
    h = hierarchy or Hierarchy()
    base = df.with_row_index("_row")
    occ = _occurrences(base)
    cells = _cells(occ, seuil)
    members = _members(base, occ, cells, h)
    missing = members.select("cell").unique().join(cells, on="cell", how="anti")
    cells = pl.concat(
        [
            cells.with_columns(missing=pl.lit(False)),
            missing.with_columns(
                value=pl.lit(None, pl.Float64), primary=pl.lit(False), missing=pl.lit(True)
            ),
        ],
        how="vertical",
    ).with_columns(secret=pl.col("primary"))
    cells = _people_behind_sessions(occ, cells)
    while True:
        cells = _group_rule(cells, members, seuil)
        extra = _solvable_primary(cells, members, occ, _hidden_rows(occ, cells))
        if not extra:
            break
        cells = cells.with_columns(secret=pl.col("secret") | pl.col("cell").is_in(extra))

    status = (
        occ.join(cells.select("cell", "primary", "secret"), on="cell")
        .group_by("_row")
        .agg(pl.col("primary").any(), pl.col("secret").any())
    )
    secret = pl.col("secret").fill_null(False)
    return (
        base.join(status, on="_row", how="left")
        .sort("_row")
        .with_columns(
            secret=secret,
            secret_raison=pl.when(pl.col("primary"))
            .then(pl.lit("primaire"))
            .when(secret)
            .then(pl.lit("secondaire")),
        )
        .with_columns(
            pl.when(pl.col("secret")).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("valeur", "numerateur", "denominateur")
        )
        .drop("_row", "primary")
    )
