-- (issue 12) What each stage after the rows in force was last built from (pipelines/freshness.py):
-- a rerun with nothing new skips the stages whose inputs and code are unchanged.
CREATE TABLE IF NOT EXISTS ingest.build_state (
    step VARCHAR PRIMARY KEY, inputs VARCHAR, built_at TIMESTAMP, facts VARCHAR
);
