-- Cross-file warnings depend on every file in force: those of the rows about to be rebuilt
-- (the actions in the build's scope, in_build_scope) are removed here, then recomputed by
-- 06 and 07 from the new rows in force, in their own table (the file parser's warnings stay
-- in ingest.warnings). A full build has emptied the table and skips this file.
DELETE FROM staging.cross_file_warnings AS w
WHERE EXISTS (
    SELECT 1 FROM staging.seances AS s
    WHERE s.file_id = w.file_id AND s.row_number = w.row_number
        AND in_build_scope(s.code_action)
) OR EXISTS (
    SELECT 1 FROM staging.participants AS p
    WHERE p.file_id = w.file_id AND p.row_number = w.row_number
        AND in_build_scope(p.code_action)
);
