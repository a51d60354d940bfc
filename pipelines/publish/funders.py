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
    _clean_text,
    csv_job,
    definitions_frame,
    export_frame,
)
from pipelines.publish.workbook import Sheet, write_workbook
from pipelines.publish.xlsx_jobs import FileJob, write_all

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
    jobs: list[FileJob] | None = None,
    published: pl.DataFrame | None = None,
) -> dict[str, Path]:
    """Write <financeur>-financements.csv, <financeur>-indicateurs.csv and <financeur>.xlsx
    for every funder with funding lines, plus definitions.csv and modalites.csv. With
    `jobs`, the files are added to it for the caller to write (xlsx_jobs.py), else written
    here. `published`: export_frame(con), when the caller has it already."""
    own_jobs = jobs is None
    jobs = [] if jobs is None else jobs
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = _clean_text(con.sql(FUNDING_LINES_SQL).pl())
    published = export_frame(con) if published is None else published
    definitions = definitions_frame()
    modalites = modalites_frame()
    files = [
        csv_job(out_dir / "definitions.csv", definitions),
        csv_job(out_dir / "modalites.csv", modalites),
    ]
    for financeur in lines["financeur"].unique().sort().to_list():
        own = lines.filter(pl.col("financeur") == financeur)
        table = funder_indicators(published, own["code_action"].unique().to_list())
        name = _safe_name(financeur)
        files.append(csv_job(out_dir / f"{name}-financements.csv", own))
        files.append(csv_job(out_dir / f"{name}-indicateurs.csv", table, secret=True))
        args = (financeur, own, table, definitions, modalites)
        rows = own.height + table.height
        files.append(FileJob(out_dir / f"{name}.xlsx", _write_xlsx, args, rows))
    jobs.extend(files)
    if own_jobs:
        write_all(jobs)
    return {job.path.name: job.path for job in files}


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
