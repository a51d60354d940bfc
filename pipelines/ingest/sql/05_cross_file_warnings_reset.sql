-- Cross-file warnings depend on every file in force: recomputed from scratch each time, in
-- their own table (the file parser's warnings stay in ingest.warnings).
DELETE FROM staging.cross_file_warnings;
