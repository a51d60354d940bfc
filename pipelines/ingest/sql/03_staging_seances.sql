-- Sessions in force: per key (id_participant, code_action, date_seance) the most recent
-- report wins.
CREATE OR REPLACE TABLE staging.seances AS
SELECT r.*, f.code_partenaire, f.periode, f.periode_rang, f.report_order
FROM raw.seances AS r
JOIN report_files AS f USING (file_id)
QUALIFY row_number() OVER (
    PARTITION BY r.id_participant, r.code_action, r.date_seance
    ORDER BY f.report_order DESC, r.row_number
) = 1;
