"""The funders' table: marts.indicateurs under statistical confidentiality, with labels,
targets and the data vintage (marts.indicateurs_publies), and its downloads.

Exact values never leave the warehouse: export_tables() reads marts.indicateurs_publies
only (plus reference labels and the contract's threshold for the 'lisez-moi' sheet).
Every exported text cell goes through neutralise().
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import polars as pl

from indicators.registry import INDICATEURS, STATUTS
from pipelines.publish.secret import (
    PEOPLE_COLUMN,
    RULES_FR,
    Hierarchy,
    apply_confidentiality,
)
from pipelines.publish.workbook import SECRET_MARK, Sheet, write_workbook
from pipelines.publish.xlsx_jobs import FileJob, Pending, start_all
from pipelines.safe_text import neutralise, neutralise_frame
from pipelines.settings import DEFAULT_SEUIL_SECRET

PUBLISHED_TABLE = "marts.indicateurs_publies"
PUBLISHED_SCHEMA: dict[str, pl.DataType] = {
    "code_indicateur": pl.String,
    "libelle": pl.String,
    "unite": pl.String,
    "periode": pl.String,
    "provisoire": pl.Boolean,  # (v2) the period's flag of marts.periodes
    "perimetre_type": pl.String,
    "perimetre_code": pl.String,
    "perimetre_libelle": pl.String,
    "ventilation": pl.String,
    "modalite": pl.String,
    "valeur": pl.Float64,
    "numerateur": pl.Float64,
    "denominateur": pl.Float64,
    "secret": pl.Boolean,
    "valeur_cible": pl.Float64,
    "annee_cible": pl.Int32,
    "valeur_attendue": pl.Float64,
    "statut": pl.String,
    "millesime": pl.String,
    "date_reception_max": pl.Datetime("us"),
    "empreinte": pl.String,
}
_SQL_TYPES = {
    pl.String: "VARCHAR",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.Int32: "INTEGER",
}

PILIER_LIBELLES = {
    "emploi_developpement_economique": "Emploi et développement économique",
    "cohesion_sociale": "Cohésion sociale",
    "cadre_de_vie": "Cadre de vie et renouvellement urbain",
}
SCOPE_ORDER = ("contrat", "pilier", "partenaire", "action", "qpv")
BREAKDOWN_ORDER = ("ensemble", "sexe", "F", "H", "tranche_age", "moins_26", "26_49", "50_plus")
SECRET_COLUMNS = ("valeur", "numerateur", "denominateur")

# Column descriptions for the 'lisez-moi' sheet.
COLUMNS_FR = {
    "code_indicateur": "code de l'indicateur (voir la feuille « definitions »)",
    "libelle": "nom de l'indicateur",
    "unite": "nombre, pourcentage (0 à 100), pour_mille ou euros",
    "periode": "année civile, ou « cumul » depuis le début du contrat",
    "provisoire": "oui si la période est provisoire : un bilan attendu d'une de ses périodes "
    "de remontée est encore attendu, manquant ou refusé (le chiffre peut encore changer)",
    "perimetre_type": "contrat, pilier, partenaire, action ou qpv",
    "perimetre_code": "code du périmètre",
    "perimetre_libelle": "nom du périmètre",
    "ventilation": "ensemble, sexe, tranche_age, residence, niveau_formation, frein, "
    "prescripteur ou financeur (libellés et périmètres : modalites.csv, definitions.csv)",
    "modalite": "modalité de la ventilation (libellés : modalites.csv) ; une personne peut "
    "déclarer plusieurs freins : la ventilation par frein ne s'additionne pas",
    "valeur": "valeur de l'indicateur ; « s » : secret statistique ; vide : non définie "
    "(dénominateur nul)",
    "numerateur": "numérateur (pour un effectif ou un montant : la valeur elle-même)",
    "denominateur": "dénominateur (vide pour un effectif ou un montant)",
    "secret": "oui si la valeur est couverte par le secret statistique",
    "valeur_cible": "valeur visée par le contrat (cibles.csv)",
    "annee_cible": "année de la cible",
    "valeur_attendue": "valeur attendue à cette période sur la trajectoire vers la cible",
    "statut": "position par rapport à la valeur attendue (vide si secret ou sans cible)",
    "millesime": "données prises en compte",
    "date_reception_max": "date de réception du fichier partenaire en vigueur le plus récent",
    "empreinte": "SHA-256 de la liste triée des SHA-256 des fichiers partenaires en vigueur",
}


# ------------------------------------------------------------------ published table


def build_published_table(con) -> pl.DataFrame:
    """marts.indicateurs with confidentiality applied, labels, targets and vintage."""
    indicateurs = con.sql(
        f"""
        SELECT i.*, CAST(p.personnes AS DOUBLE) AS {PEOPLE_COLUMN}
        FROM marts.indicateurs AS i
        LEFT JOIN marts.assiduite_personnes AS p
            USING (code_indicateur, periode, perimetre_type, perimetre_code, ventilation,
                   modalite)
        """
    ).pl()
    protected = apply_confidentiality(indicateurs, _seuil(con), Hierarchy.from_db(con))
    labels = pl.DataFrame(
        {
            "code_indicateur": [i.code for i in INDICATEURS],
            "libelle": [i.libelle for i in INDICATEURS],
        }
    )
    date_max, empreinte = data_vintage(con)
    table = (
        protected.join(labels, on="code_indicateur", how="left")
        .join(_scope_labels(con), on=["perimetre_type", "perimetre_code"], how="left")
        .join(
            _targets(con),
            on=["code_indicateur", "perimetre_type", "perimetre_code", "periode", "ventilation"],
            how="left",
        )
        .join(provisional_periods(con), on="periode", how="left")
        .with_columns(
            provisoire=pl.col("provisoire").fill_null(False),
            libelle=pl.coalesce("libelle", "code_indicateur"),
            perimetre_libelle=pl.coalesce("perimetre_libelle", "perimetre_code"),
            # a status tells where the hidden value lies: secret too
            statut=pl.when(pl.col("secret")).then(None).otherwise(pl.col("statut")),
            millesime=pl.lit(millesime_text(date_max, empreinte)),
            date_reception_max=pl.lit(date_max, pl.Datetime("us")),
            empreinte=pl.lit(empreinte, pl.String),
        )
    )
    return _in_reading_order(table).select(pl.col(c).cast(t) for c, t in PUBLISHED_SCHEMA.items())


def write_published_table(con) -> int:
    """Rebuild marts.indicateurs_publies in one transaction; returns its row count."""
    table = build_published_table(con)
    columns = ", ".join(f"{c} {_sql_type(t)}" for c, t in PUBLISHED_SCHEMA.items())
    con.register("_indicateurs_publies", table)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"CREATE OR REPLACE TABLE {PUBLISHED_TABLE} ({columns})")
            con.execute(f"INSERT INTO {PUBLISHED_TABLE} SELECT * FROM _indicateurs_publies")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.unregister("_indicateurs_publies")
    return table.height


def data_vintage(con) -> tuple[datetime | None, str | None]:
    """Latest reception time and fingerprint of the partner files in force.

    empreinte = sha256 of the sorted sha256 (hex) of the in-force accepted files joined by
    newlines: it changes whenever a file in force changes. (None, None) without files.
    """
    [(date_max, hashes)] = con.execute(
        "SELECT max(received_at), list(sha256 ORDER BY sha256) FROM ingest.files "
        "WHERE in_force AND status = 'accepte'"
    ).fetchall()
    if not hashes:
        return None, None
    return date_max, hashlib.sha256("\n".join(hashes).encode("ascii")).hexdigest()


def millesime_text(date_max: datetime | None, empreinte: str | None) -> str:
    if date_max is None or empreinte is None:
        return "aucune donnée partenaire reçue"
    return f"données reçues jusqu'au {date_max:%Y-%m-%d}, empreinte {empreinte[:12]}…"


def provisional_periods(con) -> pl.DataFrame:
    """(v2) periode -> provisoire, from marts.periodes (data contract section 6)."""
    return (
        con.sql("SELECT periode, provisoire FROM marts.periodes")
        .pl()
        .cast({"periode": pl.String, "provisoire": pl.Boolean})
    )


def _seuil(con) -> int:
    rows = con.execute("SELECT seuil_secret FROM ref.contrat LIMIT 1").fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else DEFAULT_SEUIL_SECRET


def _scope_labels(con) -> pl.DataFrame:
    labels = con.sql(
        """
        SELECT 'contrat' AS perimetre_type, code AS perimetre_code, libelle FROM ref.contrat
        UNION ALL SELECT 'partenaire', code_partenaire, nom FROM ref.partenaires
        UNION ALL SELECT 'action', code_action, libelle FROM ref.actions
        UNION ALL SELECT 'qpv', code_qpv, nom FROM ref.qpv
        UNION ALL SELECT DISTINCT 'pilier', pilier, NULL FROM ref.actions
        """
    ).pl()
    piliers = pl.col("perimetre_code").replace_strict(PILIER_LIBELLES, default=None)
    return labels.select(
        "perimetre_type",
        "perimetre_code",
        perimetre_libelle=pl.when(pl.col("perimetre_type") == "pilier")
        .then(pl.coalesce(piliers, "perimetre_code"))
        .otherwise(pl.col("libelle")),
    ).unique(["perimetre_type", "perimetre_code"], keep="first", maintain_order=True)


def _targets(con) -> pl.DataFrame:
    """Targets of marts.cibles_suivi on the 'ensemble' rows (none while it is absent)."""
    schema = {
        "code_indicateur": pl.String,
        "perimetre_type": pl.String,
        "perimetre_code": pl.String,
        "periode": pl.String,
        "ventilation": pl.String,
        "valeur_cible": pl.Float64,
        "annee_cible": pl.Int32,
        "valeur_attendue": pl.Float64,
        "statut": pl.String,
    }
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'marts' AND table_name = 'cibles_suivi'"
    ).fetchall()[0][0]
    if not exists:
        return pl.DataFrame(schema=schema)
    targets = con.sql(
        """
        SELECT code_indicateur, perimetre_type, perimetre_code, periode,
               'ensemble' AS ventilation, valeur_cible, annee_cible, valeur_attendue, statut
        FROM marts.cibles_suivi
        -- one target per cell: the first target year not yet past, else the last one
        QUALIFY row_number() OVER (
            PARTITION BY code_indicateur, perimetre_type, perimetre_code, periode
            ORDER BY coalesce(annee_cible < TRY_CAST(periode AS INTEGER), false),
                     abs(annee_cible - coalesce(TRY_CAST(periode AS INTEGER), 0)),
                     valeur_cible) = 1
        """
    ).pl()
    return targets.cast(schema)  # type: ignore[arg-type]


def _in_reading_order(table: pl.DataFrame) -> pl.DataFrame:
    def rank(col: str, order) -> pl.Expr:
        lookup = {v: i for i, v in enumerate(order)}
        return pl.col(col).replace_strict(lookup, default=len(order), return_dtype=pl.Int32)

    return table.sort(
        rank("code_indicateur", [i.code for i in INDICATEURS]),
        "code_indicateur",
        "periode",
        rank("perimetre_type", SCOPE_ORDER),
        "perimetre_code",
        rank("ventilation", BREAKDOWN_ORDER),
        rank("modalite", BREAKDOWN_ORDER),
    )


def _sql_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMP"
    return _SQL_TYPES[dtype]


# ------------------------------------------------------------------ downloads


def csv_job(path: Path, frame: pl.DataFrame, secret: bool = False) -> FileJob:
    """write_french_csv of `frame` (with the secret columns marked) as a FileJob."""
    return FileJob(path, write_secret_csv if secret else write_french_csv, (frame,), frame.height)


def write_secret_csv(df: pl.DataFrame, path: Path) -> None:
    write_french_csv(df, path, SECRET_COLUMNS)


def write_parquet(df: pl.DataFrame, path: Path) -> None:
    df.write_parquet(path)


def export_tables(con, out_dir: Path, deferred: list[Pending] | None = None) -> dict[str, Path]:
    """Write indicateurs.csv / .xlsx / .parquet and definitions.csv into out_dir.

    Reads marts.indicateurs_publies only (run write_published_table first). CSV for
    French Excel: ';', decimal comma, UTF-8 with BOM, CRLF, secret cells as 's'.
    With `deferred`, the workbooks may still be being written on return: their Pending is
    appended to it, for the caller to wait for (pipelines/publish/xlsx_jobs.py).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    table = export_frame(con)
    definitions = definitions_frame()
    contrat = con.execute("SELECT coalesce(libelle, code) FROM ref.contrat LIMIT 1").fetchall()
    readme = readme_rows(table, contrat[0][0] if contrat else None, _seuil(con))
    # (v2) one extract per funder, and the French labels of every breakdown
    from pipelines.publish.funders import FOLDER, export_funder_extracts, modalites_frame

    xlsx = out_dir / "indicateurs.xlsx"
    jobs = [
        FileJob(xlsx, write_xlsx, (table, definitions, readme), table.height),
        csv_job(out_dir / "indicateurs.csv", table, secret=True),
        FileJob(out_dir / "indicateurs.parquet", write_parquet, (table,), table.height),
        csv_job(out_dir / "definitions.csv", definitions),
        csv_job(out_dir / "modalites.csv", modalites_frame()),
    ]
    written = {job.path.name: job.path for job in jobs}
    funders = export_funder_extracts(con, out_dir / FOLDER, jobs, table)
    written.update({f"{FOLDER}/{name}": path for name, path in funders.items()})
    # every file together (pipelines/publish/xlsx_jobs.py): at a big city's size on worker
    # processes, while the publication builds its other outputs
    pending = start_all(jobs)
    if deferred is not None:
        deferred.append(pending)
    else:
        pending.wait()
    return written


def export_frame(con) -> pl.DataFrame:
    """marts.indicateurs_publies as exported: text neutralised, status in French."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'marts' AND table_name = 'indicateurs_publies'"
    ).fetchall()[0][0]
    if not exists:
        raise RuntimeError(f"{PUBLISHED_TABLE} is missing: run write_published_table first")
    cols = ", ".join(PUBLISHED_SCHEMA)
    table = con.sql(f"SELECT {cols} FROM {PUBLISHED_TABLE}").pl().cast(PUBLISHED_SCHEMA)
    table = table.with_columns(pl.col("statut").replace(STATUTS), pl.col(pl.Float64).fill_nan(None))
    # secret cells are already empty in the table; never trust that on the way out
    hide = pl.col("secret").fill_null(True)
    table = table.with_columns(
        pl.when(hide).then(None).otherwise(pl.col(c)).alias(c) for c in SECRET_COLUMNS
    )
    return _clean_text(table)


def definitions_frame() -> pl.DataFrame:
    return _clean_text(
        pl.DataFrame(
            {
                "code": [i.code for i in INDICATEURS],
                "libellé": [i.libelle for i in INDICATEURS],
                "définition": [i.definition for i in INDICATEURS],
                "unité": [i.unite for i in INDICATEURS],
                "numérateur": [i.numerateur for i in INDICATEURS],
                "dénominateur": [i.denominateur for i in INDICATEURS],
                "périmètres": [", ".join(i.perimetres) for i in INDICATEURS],
                "ventilations": [", ".join(i.ventilations) for i in INDICATEURS],
            }
        )
    )


def readme_rows(table: pl.DataFrame, contrat: str | None, seuil: int) -> list[tuple[str, str]]:
    first = table.row(0, named=True) if table.height else {}
    rows = [
        ("Indicateurs d'évaluation du contrat de ville", neutralise(contrat or "")),
        ("Millésime", first.get("millesime") or "aucune donnée partenaire reçue"),
        ("Réception la plus récente", _iso(first.get("date_reception_max"))),
        ("Empreinte des fichiers en vigueur", first.get("empreinte") or ""),
        ("Seuil du secret statistique", f"effectifs de 1 à {seuil - 1} non publiés"),
        ("« s »", "valeur couverte par le secret statistique"),
    ]
    rows += [("Secret statistique", p) for p in RULES_FR.split("\n\n")]
    rows += [(f"Colonne {c}", d) for c, d in COLUMNS_FR.items()]
    return rows


def _clean_text(df: pl.DataFrame) -> pl.DataFrame:
    """Neutralise formulas, then normalise line breaks (a lone CR breaks CSV readers)."""
    df = neutralise_frame(df)
    return df.with_columns(
        pl.col(pl.String)
        .str.replace_all("\r\n", "\n", literal=True)
        .str.replace_all("\r", "\n", literal=True)
    )


def _fr_number(col: str) -> pl.Expr:
    """A number as French Excel reads it: decimal comma, no '.0' on whole numbers."""
    x = pl.col(col).cast(pl.Float64)
    whole = (x == x.round(0)) & (x.abs() < 1e15)
    return (
        pl.when(whole)
        .then(x.cast(pl.Int64).cast(pl.String))
        .otherwise(x.cast(pl.String).str.replace(".", ",", literal=True))
    )


def write_french_csv(df: pl.DataFrame, path: Path, secret_columns=()) -> None:
    """CSV for French Excel; numbers with a decimal comma, booleans oui/non, ISO dates."""
    out = []
    for name, dtype in df.schema.items():
        if dtype.is_numeric():
            expr = _fr_number(name)
            if name in secret_columns:
                expr = pl.when(pl.col("secret")).then(pl.lit(SECRET_MARK)).otherwise(expr)
        elif dtype == pl.Boolean:
            expr = pl.when(pl.col(name)).then(pl.lit("oui")).otherwise(pl.lit("non"))
        elif isinstance(dtype, pl.Datetime):
            expr = pl.col(name).dt.strftime("%Y-%m-%d %H:%M:%S")
        else:  # an empty text is an empty cell, not ""
            expr = pl.col(name).cast(pl.String).replace("", None)
        out.append(expr.alias(name))
    df.select(out).write_csv(
        path, separator=";", include_bom=True, line_terminator="\r\n", quote_style="necessary"
    )


def write_xlsx(
    table: pl.DataFrame, definitions: pl.DataFrame, readme: list[tuple[str, str]], path: Path
) -> None:
    """Data sheet (numbers as numbers, 's' for secret), definitions, lisez-moi."""
    wide = dict.fromkeys(("libelle", "perimetre_libelle", "millesime"), 40)
    sheets = [
        Sheet("indicateurs", table, widths=wide, secret_columns=SECRET_COLUMNS),
        Sheet("definitions", definitions, width=24, widths={"définition": 60}, wrap=True),
    ]
    write_workbook(path, sheets, readme)


def _iso(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else ""
