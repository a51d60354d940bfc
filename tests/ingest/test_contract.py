"""The declarative data contract (pipelines/contract): one edit to add a code or a column,
every rule code declared once, the raw/staging DDL generated from the columns."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import duckdb

from pipelines.contract import CONTRACT, Code, Column, codes_at
from pipelines.contract.ddl import contract_ddl, layout, missing_columns_sql
from pipelines.ingest.load import RECONSIDERED_RULES
from pipelines.ingest.parse import parse_report
from pipelines.ingest.rules import ROW_CHECKS
from pipelines.warehouse import migrate

REPO = Path(__file__).resolve().parents[2]
FIN_HEADER = [
    "Code action",
    "Année",
    "Financeur",
    "Montant accordé",
    "Type de convention",
    "Date de début",
    "Date de fin",
]


def _funding(path: Path, write_csv, financeur: str) -> Path:
    return write_csv(
        path,
        [
            FIN_HEADER,
            ["EMP01", "2025", "region", "1 000,00", "annuelle_aap", "01/01/2025", "31/12/2025"],
            ["EMP01", "2025", financeur, "2 500,00", "annuelle_aap", "01/01/2025", "31/12/2025"],
        ],
    )


def test_a_code_added_to_a_copy_of_the_contract_is_accepted(tmp_path, write_csv, partner_ctx):
    path = _funding(tmp_path / "financements.csv", write_csv, "ANRU")

    # Today's contract: "ANRU" is no financeur -> row 3 (header row 1, data rows 2 and 3)
    # is rejected with the usual message, row 2 is kept.
    before = parse_report(path, "financements", partner_ctx)
    assert before.accepted["row_number"].to_list() == [2]
    assert before.rejections.select("row_number", "colonne", "valeur", "regle").rows() == [
        (3, "financeur", "ANRU", "valeur_invalide")
    ]
    assert before.rejections["message"][0].startswith(
        "Financeur : « ANRU » n'est pas une valeur admise (etat_bop147,"
    )

    # One edit: the code "anru" in the financeur list. The label and the synonym travel with it.
    extended = CONTRACT.with_code(
        "financeur", Code("anru", "Agence nationale pour la rénovation urbaine", ("ANRU",))
    )
    after = parse_report(path, "financements", partner_ctx, contract=extended)
    assert after.rejections.is_empty()
    assert after.accepted["financeur"].to_list() == ["region", "anru"]
    # the message of a still-unknown value now lists the new code too
    other = parse_report(
        _funding(tmp_path / "financements2.csv", write_csv, "Lottery"),
        "financements",
        partner_ctx,
        contract=extended,
    )
    assert other.rejections["message"][0].endswith("prive, autre, anru).")
    # the shared contract is untouched
    assert "anru" not in CONTRACT.domains["financeur"].values()


def test_a_column_added_to_a_copy_of_the_contract_is_read_stored_and_typed(
    tmp_path, write_csv, partner_ctx
):
    kind = CONTRACT.kind("financements")
    extra = Column("cofinance", "Cofinancé", "booleen", required=False, synonyms=("Cofinancement",))
    extended = dataclasses.replace(
        CONTRACT,
        kinds={
            **CONTRACT.kinds,
            "financements": dataclasses.replace(kind, columns=(*kind.columns, extra)),
        },
    )
    path = write_csv(
        tmp_path / "financements.csv",
        [
            [*FIN_HEADER, "Cofinancement"],
            ["EMP01", "2025", "region", "1000", "annuelle_aap", "01/01/2025", "31/12/2025", "oui"],
            [
                "EMP01",
                "2025",
                "caf",
                "900",
                "annuelle_aap",
                "01/01/2025",
                "31/12/2025",
                "peut-être",
            ],
        ],
    )
    report = parse_report(path, "financements", partner_ctx, contract=extended)
    # row 2 "oui" -> True; row 3 "peut-être" is no yes/no answer -> rejected as booleen_invalide
    assert report.accepted["cofinance"].to_list() == [True]
    assert report.rejections.select("row_number", "regle").rows() == [(3, "booleen_invalide")]
    # the contract's DDL stores it, the accepted rows load into it, and a warehouse built
    # by today's migrations is told the migration it needs
    con = duckdb.connect()
    con.execute(contract_ddl(extended))
    accepted = report.accepted.to_arrow()  # noqa: F841 - read by DuckDB by name
    con.execute("INSERT INTO raw.financements SELECT 'f1', * FROM accepted")
    assert con.sql("SELECT cofinance FROM raw.financements").fetchall() == [(True,)]
    migrated = duckdb.connect()
    migrate(migrated)
    assert missing_columns_sql(migrated, extended) == (
        "ALTER TABLE raw.financements ADD COLUMN cofinance BOOLEAN;\n"
        "ALTER TABLE staging.financements ADD COLUMN cofinance BOOLEAN;"
    )


def test_the_migrated_warehouse_has_the_tables_the_contract_implies():
    # After adding a column: .venv/bin/python -m pipelines.contract.ddl prints the migration
    migrated, declared = duckdb.connect(), duckdb.connect()
    migrate(migrated)
    declared.execute(contract_ddl())
    assert layout(migrated) == layout(declared)
    assert missing_columns_sql(migrated) == ""
    seances = [row[2:] for row in layout(declared) if row[:2] == ("raw", "seances")]
    assert seances == [
        ("file_id", "VARCHAR", "NO"),
        ("row_number", "INTEGER", "NO"),
        ("id_participant", "VARCHAR", "NO"),
        ("code_action", "VARCHAR", "NO"),
        ("date_seance", "DATE", "NO"),
        ("presence", "VARCHAR", "NO"),
        # set by the rows-in-force build: staging.seances is a view of the rows in force
        ("en_vigueur", "BOOLEAN", "YES"),
        ("reside_qpv", "BOOLEAN", "YES"),
    ]


def _string_args(tree: ast.AST, call_names: set[str]) -> set[str]:
    """Rule-code-like string literals passed to the named calls."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in call_names:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        if re.fullmatch(r"[a-z][a-z_]+", arg.value):
                            found.add(arg.value)
    return found


def test_every_rule_code_the_code_raises_is_declared_once_with_its_stage():
    ingest = REPO / "pipelines" / "ingest"
    refusals = set()
    for path in ingest.glob("*.py"):
        refusals |= _string_args(ast.parse(path.read_text()), {"FileRefused", "_refused"})
    scan = _string_args(ast.parse((ingest / "scan.py").read_text()), {"make"})
    # scan.py refuses files with these codes (a hand-read list, so the test can fail)
    assert {"partenaire_inconnu", "periode_inconnue", "type_inconnu", "nom_interdit"} <= scan
    assert scan <= codes_at("scan")
    assert {"colonne_manquante", "fichier_vide", "illisible", "taille_max"} <= refusals
    assert refusals <= codes_at("file")
    assert RECONSIDERED_RULES <= codes_at("scan") | codes_at("file")
    # cross-file warnings: the rule codes the SQL writes are those declared cross_file
    sql = "".join(p.read_text() for p in (ingest / "sql").glob("0[67]_warn_*.sql"))
    written = set(re.findall(r"'([a-z_]+_[a-z_]+)'", sql)) - {
        "id_participant",
        "date_entree",
        "date_sortie",
    }
    assert (
        written
        == codes_at("cross_file")
        == {
            "seance_sans_inscription",
            "entree_avant_debut_action",
            "sortie_apres_fin_action",
        }
    )
    # every row rule of a kind is declared as a row rule and has its check
    for kind in CONTRACT.kinds.values():
        for rule in kind.row_rules:
            assert "row" in CONTRACT.rule(rule.code).stages
            assert rule.code in ROW_CHECKS
        for column in kind.columns:
            assert "row" in CONTRACT.rule(CONTRACT.types[column.type].rule).stages
    assert set(ROW_CHECKS) <= codes_at("row")


def test_docs_reference_is_generated_from_the_contract():
    # After a change of the contract: .venv/bin/python -m pipelines.contract.docs
    from pipelines.contract.docs import DOC, reference_markdown

    text = DOC.read_text(encoding="utf-8")
    assert text == reference_markdown()
    # a line a person can check against section 2 of the contract
    assert "| `motif_sortie` | Motif de sortie | iff `date_sortie` | code |" in text


def test_date_apres_periode_is_declared_once_and_applies_to_its_columns(
    tmp_path, write_csv, partner_ctx
):
    import datetime as dt

    ctx = dataclasses.replace(partner_ctx, periode_fin=dt.date(2025, 6, 30))  # report 2025-S1
    seances = write_csv(
        tmp_path / "seances.csv",
        [
            ["Identifiant", "Code action", "Date de séance", "Présence"],
            ["P1", "EMP01", "30/06/2025", "present"],  # row 2: last day of 2025-S1, kept
            ["P1", "EMP01", "01/07/2025", "present"],  # row 3: after the period, rejected
        ],
    )
    report = parse_report(seances, "seances", ctx)
    assert report.accepted["row_number"].to_list() == [2]
    assert report.rejections.select("row_number", "colonne", "regle", "message").rows() == [
        (
            3,
            "date_seance",
            "date_apres_periode",
            "Date de séance : « 01/07/2025 » est postérieure au dernier jour de la période du"
            " bilan (30/06/2025) ; un bilan ne peut décrire que ce qui a déjà eu lieu.",
        )
    ]
    # funding may lie in the future: an agreement of 2026 in a 2025-S1 report is kept
    funding = write_csv(
        tmp_path / "financements.csv",
        [
            FIN_HEADER,
            ["EMP01", "2026", "region", "1000", "annuelle_aap", "01/01/2026", "31/12/2026"],
        ],
    )
    assert parse_report(funding, "financements", ctx).rejections.is_empty()
    participants = CONTRACT.kind("participants").row_rules
    assert [r.column for r in participants if r.code == "date_apres_periode"] == [
        "date_entree",
        "date_sortie",
    ]


def test_a_session_column_reaches_the_view_of_the_sessions_in_force():
    """staging.seances is a view of raw.seances' rows in force (migration 0012): a column
    added to the contract's sessions is added to raw.seances and the view is made again."""
    kind = CONTRACT.kind("seances")
    extra = Column("a_distance", "À distance", "booleen", required=False)
    extended = dataclasses.replace(
        CONTRACT,
        kinds={
            **CONTRACT.kinds,
            "seances": dataclasses.replace(kind, columns=(*kind.columns, extra)),
        },
    )
    migrated = duckdb.connect()
    migrate(migrated)
    statements = missing_columns_sql(migrated, extended)
    assert statements.splitlines()[0] == "ALTER TABLE raw.seances ADD COLUMN a_distance BOOLEAN;"
    migrated.execute(statements)
    migrated.execute(
        "INSERT INTO raw.seances (file_id, row_number, id_participant, code_action, date_seance, "
        "presence, a_distance, en_vigueur) VALUES "
        "('f1', 2, 'P1', 'A1', DATE '2025-03-04', 'present', true, true), "
        "('f2', 2, 'P1', 'A1', DATE '2025-03-04', 'absent', NULL, false)"
    )
    assert migrated.sql("SELECT file_id, presence, a_distance FROM staging.seances").fetchall() == [
        ("f1", "present", True)
    ]
    assert missing_columns_sql(migrated, extended) == ""
