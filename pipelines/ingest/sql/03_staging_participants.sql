-- Enrolments in force: per key (id_participant, code_action, date_entree) the most recent
-- report wins. A report omitting a key does not withdraw it; rejected rows never reach raw.*.
-- Every key holds its action: the actions in the build's scope are rebuilt whole.
DELETE FROM staging.participants WHERE in_build_scope(code_action);
INSERT INTO staging.participants BY NAME
SELECT r.*, f.code_partenaire, f.periode, f.periode_rang, f.report_order
FROM raw.participants AS r
JOIN report_files AS f USING (file_id)
WHERE in_build_scope(r.code_action)
QUALIFY row_number() OVER (
    PARTITION BY r.id_participant, r.code_action, r.date_entree
    ORDER BY f.report_order DESC, r.row_number
) = 1;
