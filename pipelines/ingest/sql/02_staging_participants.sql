-- Enrolments in force: per key (id_participant, code_action, date_entree) the most recent
-- report wins. A report omitting a key does not withdraw it; rejected rows never reach raw.*.
CREATE OR REPLACE TABLE staging.participants AS
SELECT r.*, f.code_partenaire, f.periode, f.periode_rang, f.report_order
FROM raw.participants AS r
JOIN report_files AS f USING (file_id)
QUALIFY row_number() OVER (
    PARTITION BY r.id_participant, r.code_action, r.date_entree
    ORDER BY f.report_order DESC, r.row_number
) = 1;
