-- Files whose rows are in force, ranked from the oldest report to the most recent.
-- A later period beats an earlier one even when the earlier period's file arrived later
-- (2025-S1 < 2025-S2 < 2025 < 2026-S1, see periode_rang); within a period only one
-- version per slot is in force, so arrival only orders files of different slots.
CREATE OR REPLACE TEMP VIEW report_files AS
SELECT
    file_id,
    code_partenaire,
    periode,
    periode_rang::INTEGER AS periode_rang,
    row_number() OVER (ORDER BY periode_rang, arrival_seq)::BIGINT AS report_order
FROM ingest.files
WHERE in_force AND status = 'accepte';

-- The rank of a row among the rows of one key: the most recent report wins, then the
-- first row of its file (a file never holds a key twice: rule doublon). One number, so
-- that a winner is a maximum (03, 04, 05).
CREATE OR REPLACE TEMP MACRO rang_en_vigueur(report_order, row_number) AS
    report_order * 4294967296 - row_number;
