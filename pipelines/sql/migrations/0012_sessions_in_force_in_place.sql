-- (issue 12) Sessions are stored once. staging.seances was a copy of the 22 M sessions in
-- force of a big city (two thirds of the rows-in-force build); they are now raw.seances'
-- rows flagged en_vigueur by that build, which sets their residence (reside_qpv) in place
-- (pipelines/ingest/sql/04_staging_seances.sql), and staging.seances is a view of them.
-- No indicator read its provenance columns (code_partenaire, periode, periode_rang,
-- report_order): the view has file_id and row_number, the contract's columns, reside_qpv.
ALTER TABLE raw.seances ADD COLUMN IF NOT EXISTS en_vigueur BOOLEAN DEFAULT false;
ALTER TABLE raw.seances ADD COLUMN IF NOT EXISTS reside_qpv BOOLEAN;
DROP TABLE IF EXISTS staging.seances;
CREATE VIEW staging.seances AS
    SELECT file_id, row_number, id_participant, code_action, date_seance, presence, reside_qpv
    FROM raw.seances WHERE en_vigueur;
-- The actions of each file's sessions in force at the last build: a file that leaves the
-- set in force may have lost its rows already (reprocessed), and its actions are rebuilt.
CREATE TABLE IF NOT EXISTS ingest.staging_seances_actions (
    file_id VARCHAR NOT NULL, code_action VARCHAR NOT NULL
);
-- No session is flagged yet: the next build is a full one.
DELETE FROM ingest.staging_state;
