-- The actions a build since the last one must rebuild: those of the rows, in raw.* (new
-- rows) or in staging.* (rows in force until now), of every file that entered or left the
-- set of files in force (a reprocessed file has a new run_id). Each key of staging.* holds
-- its action, so rebuilding these actions whole gives what a full build would.
CREATE OR REPLACE TEMP TABLE build_files AS
(
    SELECT file_id, run_id FROM ingest.files WHERE in_force AND status = 'accepte'
    EXCEPT
    SELECT file_id, run_id FROM ingest.staging_files
)
UNION
(
    SELECT file_id, run_id FROM ingest.staging_files
    EXCEPT
    SELECT file_id, run_id FROM ingest.files WHERE in_force AND status = 'accepte'
);
CREATE OR REPLACE TEMP TABLE build_actions AS
SELECT DISTINCT code_action FROM (
    SELECT code_action FROM raw.participants SEMI JOIN build_files USING (file_id)
    UNION ALL
    SELECT code_action FROM raw.seances SEMI JOIN build_files USING (file_id)
    UNION ALL
    SELECT code_action FROM raw.financements SEMI JOIN build_files USING (file_id)
    UNION ALL
    SELECT code_action FROM staging.participants SEMI JOIN build_files USING (file_id)
    UNION ALL
    SELECT code_action FROM staging.seances SEMI JOIN build_files USING (file_id)
    UNION ALL
    SELECT code_action FROM staging.financements SEMI JOIN build_files USING (file_id)
);
