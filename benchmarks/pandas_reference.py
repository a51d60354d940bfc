"""Straightforward pandas transcription of the indicator definitions (data contract section 4).

A readable reference, not a fast one: loops over periods and scope types, and inside them
filters, `groupby(...).nunique()`, `drop_duplicates` and `merge`, as one would write the
definitions by hand. Used by benchmarks/bench_indicators.py (timing, cross-check) and by
tests/indicators/test_pandas_reference.py (same values as the DuckDB SQL on small data),
v1 rows only (see V2_VENTILATIONS).
"""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pandas as pd

from indicators.registry import INDICATEURS, MODALITES

POSITIVE = ["emploi_durable", "emploi_transition", "formation_qualifiante", "creation_activite"]
# scope type -> column of the enrolment (or session / funding line) holding the scope code
SCOPE_COLUMN = {
    "contrat": "contrat",
    "pilier": "pilier",
    "partenaire": "partenaire",
    "action": "code_action",
}
# The v2 breakdowns and indicator are not transcribed here: compare() leaves them out; they
# are checked by hand in tests/indicators/test_indicators_v2.py.
V2_VENTILATIONS = ("residence", "niveau_formation", "frein", "prescripteur", "financeur")
V2_INDICATEURS = ("part_conventions_pluriannuelles",)
KEY = ["code_indicateur", "periode", "perimetre_type", "perimetre_code", "ventilation", "modalite"]


def load(con: duckdb.DuckDBPyConnection) -> dict:
    """Reference rows and staging rows as pandas frames, with each row's scopes attached."""
    contrat = con.sql("SELECT * FROM ref.contrat").df().iloc[0]
    actions = con.sql(
        "SELECT code_action, code_partenaire AS partenaire, pilier FROM ref.actions"
    ).df()
    actions["contrat"] = contrat["code"]
    qpv = con.sql("SELECT code_qpv, population FROM ref.qpv").df()
    parts = con.sql(
        """SELECT id_participant, code_action, date_entree, date_sortie, motif_sortie, sexe,
                  annee_naissance, code_qpv, niveau_formation, inscrit_france_travail,
                  report_order
           FROM staging.participants"""
    ).df()
    parts = parts.merge(actions, on="code_action")  # the action's partner and pilier
    parts["age"] = parts["date_entree"].dt.year - parts["annee_naissance"]
    parts["tranche_age"] = np.select(
        [parts["age"] < 26, parts["age"] < 50], ["moins_26", "26_49"], "50_plus"
    )
    parts["reside_qpv"] = parts["code_qpv"].isin(qpv["code_qpv"])
    parts["infra_bac"] = parts["niveau_formation"].isin(["sans_diplome", "cap_bep"])
    parts["non_inscrit_ft"] = ~parts["inscrit_france_travail"].astype(bool)
    seances = con.sql("SELECT code_action, date_seance, presence FROM staging.seances").df()
    seances = seances.merge(actions, on="code_action")
    fin = con.sql(
        """SELECT code_action, annee, financeur, CAST(montant_accorde AS DOUBLE) AS montant,
                  type_convention, date_fin
           FROM staging.financements"""
    ).df()
    fin = fin.merge(actions, on="code_action")
    scopes = {
        "contrat": [contrat["code"]],
        "pilier": sorted(actions["pilier"].unique()),
        "partenaire": con.sql("SELECT code_partenaire FROM ref.partenaires")
        .df()["code_partenaire"]
        .tolist(),
        "action": actions["code_action"].tolist(),
        "qpv": qpv["code_qpv"].tolist(),
    }
    return dict(contrat=contrat, qpv=qpv, parts=parts, seances=seances, fin=fin, scopes=scopes)


def periods(d: dict) -> list[tuple[str, pd.Timestamp, pd.Timestamp, int]]:
    """(periode, start, end, last year): each year with data, then cumul."""
    c = d["contrat"]
    first = pd.Timestamp(c["date_debut"]).year
    candidates = [
        d["parts"]["date_entree"].dt.year.max(),
        d["parts"]["date_sortie"].dt.year.max(),
        d["seances"]["date_seance"].dt.year.max(),
        d["fin"]["annee"].max(),
    ]
    candidates = [int(x) for x in candidates if pd.notna(x)]
    latest = min(max(candidates), pd.Timestamp(c["date_fin"]).year) if candidates else first
    latest = max(first, latest)
    out = [
        (str(y), pd.Timestamp(y, 1, 1), pd.Timestamp(y, 12, 31), y)
        for y in range(first, latest + 1)
    ]
    out.append(("cumul", pd.Timestamp(c["date_debut"]), pd.Timestamp(latest, 12, 31), latest))
    return out


def _rows(code, periode, ptype, num, den=None, scope=None, ventilation="ensemble"):
    """Long rows from a numerator series and an optional denominator series.

    Indexed by scope code (ensemble rows) or, when `scope` is given, by breakdown modality.
    """
    out = []
    for key, value in num.items():
        base = None if den is None else float(den.get(key, 0))
        pcode, mod = (key, "ensemble") if scope is None else (scope, key)
        out.append((code, periode, ptype, pcode, ventilation, mod, float(value), base))
    return out


def compute(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """All indicators as the full grid, with the columns of marts.indicateurs."""
    d = load(con)
    parts, seances, fin = d["parts"], d["seances"], d["fin"]
    contrat_code = d["contrat"]["code"]
    rows = []
    for periode, start, end, last_year in periods(d):
        active = parts[
            (parts["date_entree"] <= end)
            & (parts["date_sortie"].isna() | (parts["date_sortie"] >= start))
        ]
        # the chosen enrolment comes first: latest entry, most recent report, smallest action
        ranked = active.sort_values(
            ["date_entree", "report_order", "code_action"], ascending=[False, False, True]
        )
        entering = ranked[(ranked["date_entree"] >= start) & (ranked["date_entree"] <= end)]
        exits = parts[(parts["date_sortie"] >= start) & (parts["date_sortie"] <= end)]
        sess = seances[(seances["date_seance"] >= start) & (seances["date_seance"] <= end)]
        f = fin[(fin["annee"] >= start.year) & (fin["annee"] <= end.year)]
        secure_from = pd.Timestamp(last_year + 1, 12, 31)
        for ptype, col in SCOPE_COLUMN.items():
            benef = active.groupby(col)["id_participant"].nunique()
            rows += _rows("beneficiaires_uniques", periode, ptype, benef)
            rows += _rows(
                "nouveaux_entrants",
                periode,
                ptype,
                entering.groupby(col)["id_participant"].nunique(),
            )
            people = ranked.drop_duplicates([col, "id_participant"])
            g = people.groupby(col)
            for code, flag in [
                ("part_residents_qpv", people["reside_qpv"]),
                ("part_femmes", people["sexe"] == "F"),
                ("part_moins_26_ans", people["tranche_age"] == "moins_26"),
                ("part_50_ans_et_plus", people["tranche_age"] == "50_plus"),
                ("part_infra_bac", people["infra_bac"]),
                ("part_non_inscrits_ft", people["non_inscrit_ft"]),
            ]:
                rows += _rows(code, periode, ptype, flag.groupby(people[col]).sum(), g.size())
            ex = exits.groupby(col)
            n_exits = ex.size()
            positives = exits["motif_sortie"].isin(POSITIVE).groupby(exits[col]).sum()
            rows += _rows("sorties", periode, ptype, n_exits)
            rows += _rows(
                "taux_abandon",
                periode,
                ptype,
                (exits["motif_sortie"] == "abandon").groupby(exits[col]).sum(),
                n_exits,
            )
            rows += _rows("taux_sorties_positives", periode, ptype, positives, n_exits)
            rows += _rows(
                "taux_emploi_durable",
                periode,
                ptype,
                (exits["motif_sortie"] == "emploi_durable").groupby(exits[col]).sum(),
                n_exits,
            )
            rows += _rows(
                "taux_assiduite",
                periode,
                ptype,
                (sess["presence"] == "present").groupby(sess[col]).sum(),
                sess.groupby(col).size(),
            )
            total = f.groupby(col)["montant"].sum()
            rows += _rows("financement_total", periode, ptype, total)
            rows += _rows(
                "part_pluriannuel",
                periode,
                ptype,
                f["montant"]
                .where(f["type_convention"] == "pluriannuelle_cpo", 0)
                .groupby(f[col])
                .sum(),
                total,
            )
            rows += _rows(
                "part_credits_specifiques",
                periode,
                ptype,
                f["montant"].where(f["financeur"] == "etat_bop147", 0).groupby(f[col]).sum(),
                total,
            )
            premier = f.groupby([col, "financeur"])["montant"].sum().groupby(level=0).max()
            rows += _rows("part_premier_financeur", periode, ptype, premier, total)
            rows += _rows(
                "part_financement_securise_n1",
                periode,
                ptype,
                f["montant"].where(f["date_fin"] >= secure_from, 0).groupby(f[col]).sum(),
                total,
            )
            for scope in d["scopes"][ptype]:
                money = float(total.get(scope, 0))
                rows.append(
                    (
                        "cout_par_beneficiaire",
                        periode,
                        ptype,
                        scope,
                        "ensemble",
                        "ensemble",
                        money,
                        float(benef.get(scope, 0)),
                    )
                )
                rows.append(
                    (
                        "cout_par_sortie_positive",
                        periode,
                        ptype,
                        scope,
                        "ensemble",
                        "ensemble",
                        money,
                        float(positives.get(scope, 0)),
                    )
                )
        # contract-level people: qpv scope, coverage and breakdowns
        people = ranked.drop_duplicates("id_participant")
        residents = people[people["reside_qpv"]]
        rows += _rows("beneficiaires_uniques", periode, "qpv", residents.groupby("code_qpv").size())
        entrants = entering.drop_duplicates("id_participant")
        entrants = entrants[entrants["reside_qpv"]]
        rows += _rows("nouveaux_entrants", periode, "qpv", entrants.groupby("code_qpv").size())
        for code, flag in [
            ("part_femmes", residents["sexe"] == "F"),
            ("part_moins_26_ans", residents["tranche_age"] == "moins_26"),
            ("part_50_ans_et_plus", residents["tranche_age"] == "50_plus"),
            ("part_infra_bac", residents["infra_bac"]),
            ("part_non_inscrits_ft", residents["non_inscrit_ft"]),
        ]:
            rows += _rows(
                code,
                periode,
                "qpv",
                flag.groupby(residents["code_qpv"]).sum(),
                residents.groupby("code_qpv").size(),
            )
        for _, q in d["qpv"].iterrows():
            n = int((residents["code_qpv"] == q["code_qpv"]).sum())
            pop = 0 if pd.isna(q["population"]) else float(q["population"])
            rows.append(
                (
                    "taux_couverture_qpv",
                    periode,
                    "qpv",
                    q["code_qpv"],
                    "ensemble",
                    "ensemble",
                    n,
                    pop,
                )
            )
        rows.append(
            (
                "taux_couverture_qpv",
                periode,
                "contrat",
                contrat_code,
                "ensemble",
                "ensemble",
                len(residents),
                float(d["qpv"]["population"].fillna(0).sum()),
            )
        )
        for vent in ["sexe", "tranche_age"]:
            rows += _rows(
                "beneficiaires_uniques",
                periode,
                "contrat",
                people.groupby(vent).size(),
                scope=contrat_code,
                ventilation=vent,
            )
            rows += _rows(
                "taux_sorties_positives",
                periode,
                "contrat",
                exits["motif_sortie"].isin(POSITIVE).groupby(exits[vent]).sum(),
                exits.groupby(vent).size(),
                scope=contrat_code,
                ventilation=vent,
            )
    rows += _completeness_rows(con, contrat_code, periods(d))
    values = pd.DataFrame(rows, columns=[*KEY, "numerateur", "denominateur"])
    return _full_grid(values, d["scopes"], [p[0] for p in periods(d)])


def _completeness_rows(con, contrat_code: str, periodes: list) -> list[tuple]:
    """(v2) taux_remontee(_a_temps): expected reports not 'attendu', by year or all (cumul)."""
    c = con.sql("SELECT * FROM marts.completude WHERE attendu AND statut <> 'attendu'").df()
    c["annee"] = pd.to_datetime(c["debut"]).dt.year
    c["recu"] = c["statut"].isin(["recu_a_temps", "recu_en_retard"])
    c["a_temps"] = c["statut"] == "recu_a_temps"
    rows = []
    for periode, _, _, last_year in periodes:
        sub = c if periode == "cumul" else c[c["annee"] == last_year]
        for code, flag in (("taux_remontee", "recu"), ("taux_remontee_a_temps", "a_temps")):
            if len(sub):
                rows.append(
                    (
                        code,
                        periode,
                        "contrat",
                        contrat_code,
                        "ensemble",
                        "ensemble",
                        float(sub[flag].sum()),
                        float(len(sub)),
                    )
                )
            g = sub.groupby("code_partenaire")
            rows += _rows(code, periode, "partenaire", g[flag].sum(), g.size())
    return rows


def _full_grid(values: pd.DataFrame, scopes: dict, periodes: list[str]) -> pd.DataFrame:
    """Every indicator x period x listed scope x breakdown, with zeros / empty rates."""
    grid = []
    for ind in INDICATEURS:
        if ind.code in V2_INDICATEURS:
            continue
        for ptype in ind.perimetres:
            for vent in ind.ventilations:
                if vent in V2_VENTILATIONS or (vent != "ensemble" and ptype != "contrat"):
                    continue
                for mod, pcode, periode in itertools.product(
                    MODALITES[vent], scopes[ptype], periodes
                ):
                    grid.append(
                        (
                            ind.code,
                            periode,
                            ptype,
                            pcode,
                            vent,
                            mod,
                            ind.unite,
                            ind.est_ratio,
                            ind.echelle,
                        )
                    )
    grid = pd.DataFrame(grid, columns=[*KEY, "unite", "est_ratio", "echelle"])
    out = grid.merge(values, on=KEY, how="left")
    out["numerateur"] = out["numerateur"].fillna(0.0)
    den = pd.to_numeric(out["denominateur"], errors="coerce").fillna(0.0)
    out["denominateur"] = den.where(out["est_ratio"], np.nan)
    ratio = out["numerateur"] * out["echelle"] / out["denominateur"].where(den != 0)
    out["valeur"] = np.where(out["est_ratio"], ratio, out["numerateur"])
    return out[[*KEY, "valeur", "numerateur", "denominateur", "unite"]]


def compare(con: duckdb.DuckDBPyConnection, reference: pd.DataFrame) -> dict:
    """Differences between marts.indicateurs and the reference frame."""
    marts = con.sql("SELECT * FROM marts.indicateurs").df()
    v2 = marts["ventilation"].isin(V2_VENTILATIONS) | marts["code_indicateur"].isin(V2_INDICATEURS)
    marts = marts[~v2]
    both = marts.merge(reference, on=KEY, how="outer", suffixes=("_sql", "_ref"), indicator=True)
    out = {
        "lignes_sql": len(marts),
        "lignes_ref": len(reference),
        "lignes_non_communes": int((both["_merge"] != "both").sum()),
    }
    both = both[both["_merge"] == "both"]
    for col in ["valeur", "numerateur", "denominateur"]:
        a, b = both[f"{col}_sql"].astype(float), both[f"{col}_ref"].astype(float)
        out[f"nulls_differents_{col}"] = int((a.isna() != b.isna()).sum())
        out[f"ecart_max_{col}"] = float((a - b).abs().max(skipna=True) or 0.0)
    return out
