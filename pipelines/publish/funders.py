"""(v2) One extract per funder: publish/telechargements/financeurs/.

For each financeur code with at least one funding line in force: its own funding lines and
the published indicators (marts.indicateurs_publies, confidentiality already applied) of
the actions it funds, as CSV for French Excel and one XLSX with the definitions, the
French labels of the breakdowns and a 'lisez-moi' sheet.
Funding lines are read from staging.financements: amounts are never secret (data contract
section 5) and a funder already holds its own agreements. Every text cell goes through
the same formula-injection guard as the main tables.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from indicators.registry import MODALITE_LIBELLES, VENTILATION_LIBELLES
from pipelines.publish.secret import RULES_FR
from pipelines.publish.tables import (
    SECRET_COLUMNS,
    CsvWrite,
    _clean_text,
    definitions_frame,
    export_frame,
    write_csv_files,
    write_french_csv,
)
from pipelines.publish.workbook import Sheet, write_workbook
from pipelines.publish.xlsx_jobs import XlsxJob, write_all

FOLDER = "financeurs"

FUNDING_LINES_SQL = """
SELECT f.financeur, f.code_action, a.libelle AS action_libelle, a.code_partenaire,
    p.nom AS partenaire_nom, a.pilier, f.annee, CAST(f.montant_accorde AS DOUBLE)
        AS montant_accorde,
    f.type_convention, f.date_debut, f.date_fin
FROM staging.financements AS f
JOIN ref.actions AS a USING (code_action)
LEFT JOIN ref.partenaires AS p ON p.code_partenaire = a.code_partenaire
ORDER BY f.financeur, f.annee, f.code_action, f.type_convention, f.date_debut
"""

LINE_COLUMNS_FR = {
    "financeur": "code du financeur",
    "code_action": "code de l'action financée",
    "action_libelle": "nom de l'action",
    "code_partenaire": "partenaire qui porte l'action",
    "partenaire_nom": "nom du partenaire",
    "pilier": "pilier du contrat de ville",
    "annee": "année budgétaire",
    "montant_accorde": "montant accordé en euros",
    "type_convention": "annuelle_aap (appel à projets) ou pluriannuelle_cpo (CPO)",
    "date_debut": "début de la période couverte par la convention",
    "date_fin": "fin de la période couverte par la convention",
}


def modalites_frame() -> pl.DataFrame:
    """French label of every breakdown and modality (also written as modalites.csv)."""
    rows = [
        (v, VENTILATION_LIBELLES.get(v, v), m, label) for (v, m), label in MODALITE_LIBELLES.items()
    ]
    return _clean_text(
        pl.DataFrame(
            rows,
            schema=["ventilation", "ventilation_libelle", "modalite", "modalite_libelle"],
            orient="row",
        )
    )


def export_funder_extracts(
    con,
    out_dir: Path,
    xlsx_jobs: list[XlsxJob] | None = None,
    published: pl.DataFrame | None = None,
    csv_writes: list[CsvWrite] | None = None,
) -> dict[str, Path]:
    """Write <financeur>-financements.csv, <financeur>-indicateurs.csv and <financeur>.xlsx
    for every funder with funding lines, plus definitions.csv and modalites.csv. With
    `xlsx_jobs`, the workbooks are added to it for the caller to write (xlsx_jobs.py), and
    with `csv_writes` the CSV files too (the caller starts the workbooks first).
    `published`: export_frame(con), when the caller has it already."""
    own_jobs, own_writes = xlsx_jobs is None, csv_writes is None
    xlsx_jobs = [] if xlsx_jobs is None else xlsx_jobs
    csv_writes = [] if csv_writes is None else csv_writes
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = _clean_text(con.sql(FUNDING_LINES_SQL).pl())
    published = export_frame(con) if published is None else published
    definitions = definitions_frame()
    modalites = modalites_frame()
    writes = [
        (out_dir / "definitions.csv", lambda p: write_french_csv(definitions, p)),
        (out_dir / "modalites.csv", lambda p: write_french_csv(modalites, p)),
    ]
    workbooks = {}
    for financeur in lines["financeur"].unique().sort().to_list():
        own = lines.filter(pl.col("financeur") == financeur)
        table = funder_indicators(published, own["code_action"].unique().to_list())
        name = _safe_name(financeur)
        writes.append(
            (out_dir / f"{name}-financements.csv", lambda p, d=own: write_french_csv(d, p))
        )
        writes.append(
            (
                out_dir / f"{name}-indicateurs.csv",
                lambda p, t=table: write_french_csv(t, p, secret_columns=SECRET_COLUMNS),
            )
        )
        path = out_dir / f"{name}.xlsx"
        args = (financeur, own, table, definitions, modalites)
        xlsx_jobs.append(XlsxJob(path, _write_xlsx, args, own.height + table.height))
        workbooks[path.name] = path
    csv_writes.extend(writes)
    if own_writes:
        write_csv_files(writes)
    if own_jobs:
        write_all(xlsx_jobs)
    return {**{path.name: path for path, _ in writes}, **workbooks}


def funder_indicators(published: pl.DataFrame, actions: list[str]) -> pl.DataFrame:
    """Published rows of the funded actions (secret cells stay empty, marked 's')."""
    return published.filter(
        (pl.col("perimetre_type") == "action") & pl.col("perimetre_code").is_in(actions)
    )


def _safe_name(code: str) -> str:
    # codes are the contract's (etat_bop147, region, ...): letters, digits, underscores
    return "".join(c if c.isalnum() or c == "_" else "_" for c in code)


def _write_xlsx(financeur, lines, table, definitions, modalites, path: Path) -> None:
    sheets = [
        Sheet("financements", lines, width=18),
        Sheet("indicateurs", table, width=18, secret_columns=SECRET_COLUMNS),
        Sheet("definitions", definitions, width=18, widths={"définition": 60}, wrap=True),
        Sheet("modalites", modalites, width=18),
    ]
    readme = [
        ("Extrait pour le financeur", financeur),
        ("financements", "vos lignes de financement en vigueur, une par action, année "
         "et convention"),
        ("indicateurs", "les indicateurs publiés des actions que vous financez ; « s » : "
         "secret statistique"),
        ("definitions", "définition de chaque indicateur"),
        ("modalites", "libellé de chaque ventilation et modalité"),
    ]  # fmt: skip
    readme += [(f"Colonne {c}", d) for c, d in LINE_COLUMNS_FR.items()]
    readme += [("Secret statistique", p) for p in RULES_FR.split("\n\n")]
    write_workbook(path, sheets, readme)
