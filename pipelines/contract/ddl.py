"""raw.* and staging.* tables as the contract's columns imply them.

The warehouse's layout is made by the numbered migrations of pipelines/sql/migrations/
(never edited once merged). `contract_ddl()` states what raw.* / staging.* must be for the
current contract; a test builds a warehouse by the migrations and one from this DDL and
requires the same columns, types and nullability. After adding a column to the contract:

    .venv/bin/python -m pipelines.contract.ddl   # prints the ALTER TABLE of a new migration
"""

from __future__ import annotations

import duckdb

from pipelines.contract import CONTRACT, Contract

# Provenance of a row in force (see pipelines/ingest/sql/02-04).
_STAGING_EXTRA = (
    "''::VARCHAR AS code_partenaire, ''::VARCHAR AS periode, 0 AS periode_rang,\n"
    "           0::BIGINT AS report_order"
)
LAYOUT_SQL = """
SELECT table_schema, table_name, column_name, data_type, is_nullable
FROM information_schema.columns
WHERE table_schema IN ('raw', 'staging') AND table_name IN ({kinds})
ORDER BY table_schema, table_name, ordinal_position
"""


# Sessions are stored once: the rows-in-force build flags raw.seances' rows in force and
# sets their residence (pipelines/ingest/sql/04_staging_seances.sql); staging.seances is a
# view of them (migration 0012).
_RAW_DERIVED = {"seances": ("en_vigueur BOOLEAN DEFAULT false", "reside_qpv BOOLEAN")}
_STAGING_VIEWS = {"seances": ("reside_qpv",)}


def raw_table(contract: Contract, kind: str) -> str:
    lines = ["file_id VARCHAR NOT NULL", "row_number INTEGER NOT NULL"]
    for column in contract.kind(kind).columns:
        sql_type = contract.types[column.type].sql
        lines.append(f"{column.name} {sql_type}{' NOT NULL' if column.required else ''}")
    lines += _RAW_DERIVED.get(kind, ())
    body = ",\n    ".join(lines)
    return f"CREATE TABLE IF NOT EXISTS raw.{kind} (\n    {body}\n);\n"


def staging_view(contract: Contract, kind: str) -> str:
    """staging.<kind> as a view of raw.<kind>'s rows in force (columns in contract order)."""
    columns = [
        "file_id",
        "row_number",
        *(column.name for column in contract.kind(kind).columns),
        *_STAGING_VIEWS[kind],
    ]
    return (
        f"CREATE OR REPLACE VIEW staging.{kind} AS\n"
        f"    SELECT {', '.join(columns)}\n"
        f"    FROM raw.{kind} WHERE en_vigueur;\n"
    )


def staging_table(contract: Contract, kind: str) -> str:
    if kind in _STAGING_VIEWS:
        return staging_view(contract, kind)
    return (
        f"CREATE TABLE IF NOT EXISTS staging.{kind} AS\n"
        f"    SELECT *, {_STAGING_EXTRA}\n"
        f"    FROM raw.{kind} WHERE false;\n"
    )


def contract_ddl(contract: Contract = CONTRACT) -> str:
    """Accepted rows of every version (raw.*: provenance file_id + row_number, then the
    contract's columns) and rows in force (staging.*: the same plus the report's
    provenance; for sessions, a view of raw.seances' rows in force). freins holds
    normalised codes joined by ';' (NULL when none)."""
    return "".join(
        [
            "CREATE SCHEMA IF NOT EXISTS raw;\nCREATE SCHEMA IF NOT EXISTS staging;\n",
            *(raw_table(contract, kind) for kind in contract.kinds),
            *(staging_table(contract, kind) for kind in contract.kinds),
        ]
    )


def layout(con: duckdb.DuckDBPyConnection, contract: Contract = CONTRACT) -> list[tuple]:
    """(schema, table, column, type, nullable) of the contract's tables in a warehouse."""
    kinds = ", ".join(f"'{kind}'" for kind in contract.kinds)
    return con.sql(LAYOUT_SQL.format(kinds=kinds)).fetchall()


def missing_columns_sql(con: duckdb.DuckDBPyConnection, contract: Contract = CONTRACT) -> str:
    """ALTER TABLE statements adding to `con`'s raw.* / staging.* the contract's columns it
    lacks (nullable: rows already loaded have no value), for a new migration."""
    have = {(s, t, c) for s, t, c, *_ in layout(con, contract)}
    statements = []
    for kind in contract.kinds:
        schemas = ("raw",) if kind in _STAGING_VIEWS else ("raw", "staging")
        missing = False
        for column in contract.kind(kind).columns:
            sql_type = contract.types[column.type].sql
            for schema in schemas:
                if (schema, kind, column.name) not in have:
                    missing = True
                    statements.append(
                        f"ALTER TABLE {schema}.{kind} ADD COLUMN {column.name} {sql_type};"
                    )
        if missing and kind in _STAGING_VIEWS:  # a view's columns are fixed when it is made
            statements.append(staging_view(contract, kind).rstrip())
    return "\n".join(statements)


if __name__ == "__main__":
    from pipelines.warehouse import migrate

    with duckdb.connect() as memory:
        migrate(memory)
        print(missing_columns_sql(memory) or "-- raw.* / staging.* already match the contract")
