-- The actions a build since the last one must rebuild: those of the rows, in raw.* (new
-- rows) or in staging.* (rows in force until now; for sessions, the actions recorded per
-- file by the last build, 04_staging_seances.sql), of every file that entered or left the
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
    SELECT code_action FROM ingest.staging_seances_actions SEMI JOIN build_files USING (file_id)
    UNION ALL
    SELECT code_action FROM staging.financements SEMI JOIN build_files USING (file_id)
);
-- The cross-file warnings of those files go with them: 02 removes those of the rows in
-- force of the rebuilt actions, but a reprocessed file's rows have left raw.* already.
DELETE FROM staging.cross_file_warnings WHERE file_id IN (SELECT file_id FROM build_files);
