-- (issue 12) What the rows in force were last built from, file by file, so that a
-- resubmission rebuilds only the actions its files touch (pipelines/ingest/load.py,
-- build_staging): the in-force files of the last build, the fingerprint of what every
-- action depends on (reference_inputs: actions' dates, QPV list, staging SQL), and, for an
-- incremental build, the build it started from and the actions it rebuilt (the pandera
-- check of the rows in force then validates only those).
ALTER TABLE ingest.staging_state ADD COLUMN IF NOT EXISTS reference_inputs VARCHAR;
ALTER TABLE ingest.staging_state ADD COLUMN IF NOT EXISTS previous_inputs VARCHAR;
CREATE TABLE IF NOT EXISTS ingest.staging_files (file_id VARCHAR NOT NULL, run_id VARCHAR);
CREATE TABLE IF NOT EXISTS ingest.staging_actions (code_action VARCHAR NOT NULL);
