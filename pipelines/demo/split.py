"""The many-files shape of a big city's contract (benchmarks, `--split N` with `--plain`).

The demo contract has 6 partners, 14 actions and 5 QPV. A big city's contract has hundreds
of each, so the same population is spread over more, smaller units: each partner becomes N
partners (the first keeps its code, the others get a 2-digit suffix), each of its actions
becomes 2 actions per sub-partner, and each QPV becomes QPV_COPIES QPV. A row goes to a
sub-partner, action variant and QPV copy chosen from its id_participant (its 6 hex digits),
so a person's enrolment and sessions stay together and every run writes the same bytes.
Funding lines are copied to every action of the sub-partner. The codes the targets
(cibles.csv) name (the first sub-partner, action and QPV copy) keep their original codes.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from pipelines.demo.contract import ACTIONS, PARTNERS, QPVS, Action, Partner, Qpv

VARIANTS = "ab"
QPV_COPIES = 286  # 5 QPV -> 1,430 QPV, the order of a big region's list


def sub_partner_code(code: str, i: int) -> str:
    return code if i == 0 else f"{code}{i:02d}"


def sub_action_code(code: str, i: int, variant: int) -> str:
    return code if i == 0 and variant == 0 else f"{code}-{i:02d}{VARIANTS[variant]}"


def sub_qpv_code(code: str, copy: int) -> str:
    return code if copy == 0 else f"QX{copy:03d}{code[5:]}"  # QN01401M -> QX00101M


def partners(split: int) -> list[Partner]:
    return [
        replace(p, code=sub_partner_code(p.code, i), nom=f"{p.nom} ({i + 1})")
        for p in PARTNERS
        for i in range(split)
    ]


def actions(split: int) -> list[Action]:
    return [
        replace(
            a,
            code=sub_action_code(a.code, i, v),
            partner=sub_partner_code(a.partner, i),
            libelle=f"{a.libelle} ({i + 1}{VARIANTS[v]})",
        )
        for a in ACTIONS
        for i in range(split)
        for v in range(len(VARIANTS))
    ]


def qpvs() -> list[Qpv]:
    return [
        replace(q, code=sub_qpv_code(q.code, c), nom=f"{q.nom} ({c + 1})")
        for q in QPVS
        for c in range(QPV_COPIES)
    ]


def _person_hash() -> pl.Expr:
    return pl.col("id_participant").str.slice(-6).str.to_integer(base=16, strict=False).fill_null(0)


def _lookup(mapping: dict[str, str], key: pl.Expr) -> pl.Expr:
    """Codes outside the mapping (a planted unknown action) stay as they are."""
    return key.replace(mapping)


def split_frame(
    df: pl.DataFrame, kind: str, partner: str, split: int
) -> list[tuple[str, pl.DataFrame]]:
    """[(sub-partner code, its rows)] for one report of `partner`."""
    out = []
    codes = {a.code for a in ACTIONS}
    for i in range(split):
        if kind == "financements":
            parts = [
                df.with_columns(
                    code_action=_lookup(
                        {c: sub_action_code(c, i, v) for c in codes}, pl.col("code_action")
                    )
                )
                for v in range(len(VARIANTS))
            ]
            out.append((sub_partner_code(partner, i), pl.concat(parts)))
            continue
        h = _person_hash()
        rows = df.filter(h % split == i)
        variant = (h // split) % len(VARIANTS)
        # the action keeps the sub-partner of the person, the variant follows the person too
        remapped = [
            pl.when(variant == v).then(
                _lookup({c: sub_action_code(c, i, v) for c in codes}, pl.col("code_action"))
            )
            for v in range(len(VARIANTS))
        ]
        rows = rows.with_columns(code_action=pl.coalesce(remapped))
        if "code_qpv" in rows.columns:
            copy = (h // (split * len(VARIANTS))) % QPV_COPIES
            known = pl.col("code_qpv").is_in([q.code for q in QPVS])
            qpv_expr = (
                pl.when(known & (copy > 0))
                .then(
                    pl.lit("QX")
                    + copy.cast(pl.String).str.zfill(3)
                    + pl.col("code_qpv").str.slice(5)
                )
                .otherwise(pl.col("code_qpv"))
            )
            rows = rows.with_columns(code_qpv=qpv_expr)
        out.append((sub_partner_code(partner, i), rows))
    return out
