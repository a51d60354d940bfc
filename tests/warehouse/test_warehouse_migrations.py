"""Schema versions and forward migrations (pipelines/warehouse.py, pipelines/sql/migrations).

The upgrade test starts from a warehouse written by v1 itself (v1_kit.py says how it was
made) and runs today's pipeline on it, as an officer's next `make run` would.
"""

from __future__ import annotations

import duckdb
import pytest
from v1_kit import build_v1_inputs, unpack_v1_warehouse

from pipelines import settings, warehouse
from tests.operations.ops_kit import query, run_in_process

CROSS_FILE_RULES = (
    "seance_sans_inscription",
    "entree_avant_debut_action",
    "sortie_apres_fin_action",
)


def every_version() -> list[int]:
    return [v for v, _ in warehouse.migrations()]


def test_migrations_are_numbered_one_by_one():
    assert every_version() == list(range(1, len(every_version()) + 1))


def test_a_new_warehouse_gets_every_migration_once(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    assert warehouse.migrate(con) == every_version()
    assert warehouse.migrate(con) == []  # already up to date
    assert warehouse.schema_version(con) == every_version()[-1]
    con.close()


def test_a_failing_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_first.sql").write_text("CREATE TABLE t1 (a INTEGER);")
    (folder / "0002_broken.sql").write_text(
        "CREATE TABLE t2 (a INTEGER); ALTER TABLE missing ADD COLUMN b INTEGER;"
    )
    monkeypatch.setattr(warehouse, "MIGRATIONS_DIR", folder)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    with pytest.raises(duckdb.CatalogException):
        warehouse.migrate(con)
    assert warehouse.schema_version(con) == 1
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "t1" in tables and "t2" not in tables  # 0002 rolled back whole
    (folder / "0002_broken.sql").write_text("CREATE TABLE t2 (a INTEGER);")  # fixed
    assert warehouse.migrate(con) == [2]
    con.close()


def test_a_warehouse_written_by_v1_is_upgraded_in_place_by_the_next_run(tmp_path, monkeypatch):
    root = build_v1_inputs(tmp_path / "data")
    db = unpack_v1_warehouse(settings.warehouse_path(root))
    raw = duckdb.connect(str(db), read_only=True)
    files_before = raw.sql("SELECT * FROM ingest.files ORDER BY file_id").fetchall()
    v1_warnings = raw.sql("SELECT valeur, regle FROM ingest.warnings").fetchall()
    v1_schemas = {r[0] for r in raw.sql("SELECT schema_name FROM duckdb_schemas()").fetchall()}
    raw.close()
    # Premise: v1 kept the cross-file warning among the file's own and had no version table.
    assert v1_warnings == [("P009", "seance_sans_inscription")]
    assert "meta" not in v1_schemas
    assert len(files_before) == 5

    run_in_process(root, monkeypatch)

    versions = query(root, "SELECT version FROM meta.schema_version ORDER BY version")
    assert [v for (v,) in versions] == every_version()
    # same files, same records: the upgrade re-read nothing and lost nothing
    assert (
        query(root, "SELECT * EXCLUDE (date_reception) FROM ingest.files ORDER BY file_id")
        == files_before
    )
    # (v2, migration 0005) v1 records have no reception date: marts.completude falls back on
    # the mtime they recorded
    assert query(root, "SELECT count(*) FROM ingest.files WHERE date_reception IS NULL") == [(5,)]
    assert query(root, "SELECT count(*) FROM ingest.rejections") == [(1,)]  # 'peut-etre'
    # the cross-file warning moved to the staging stage that computes it
    assert query(
        root,
        "SELECT count(*) FROM ingest.warnings WHERE list_contains(?, regle)",
        [list(CROSS_FILE_RULES)],
    ) == [(0,)]
    assert query(root, "SELECT valeur, regle FROM staging.cross_file_warnings") == [
        ("P009", "seance_sans_inscription")
    ]
    # P001..P007 (ops_kit): 7 people enrolled in 2025; P009 has a session but no enrolment
    assert query(
        root,
        "SELECT valeur FROM marts.indicateurs WHERE code_indicateur = 'beneficiaires_uniques' "
        "AND periode = '2025' AND perimetre_type = 'contrat' AND ventilation = 'ensemble'",
    ) == [(7.0,)]
    assert (root / "publish" / "tableaux-de-bord" / "index.html").is_file()


def test_the_warehouse_connection_limits_duckdb_memory_and_explains_a_bad_setting(
    tmp_path, monkeypatch
):
    import pytest

    from pipelines import warehouse

    db = tmp_path / "wh.duckdb"
    with warehouse.connect(db) as con:  # default: 2.5GB, shown by DuckDB in GiB
        assert con.sql("SELECT current_setting('memory_limit')").fetchall() == [("2.3 GiB",)]
    monkeypatch.setenv("EVAL_DUCKDB_MEMORY", "800MB")
    with warehouse.connect(db) as con:
        assert con.sql("SELECT current_setting('memory_limit')").fetchall() == [("762.9 MiB",)]
    monkeypatch.setenv("EVAL_DUCKDB_MEMORY", "beaucoup")
    with pytest.raises(ValueError, match="EVAL_DUCKDB_MEMORY doit être une taille"):
        with warehouse.connect(db):
            pass
