-- Sessions in force: per key (id_participant, code_action, date_seance) the most recent
-- report wins. reside_qpv: the residence of the session's own enrolment
-- (seances_residences.sql), NULL when the person has none in that action.
DELETE FROM staging.seances WHERE in_build_scope(code_action);
INSERT INTO staging.seances BY NAME
SELECT r.*, f.code_partenaire, f.periode, f.periode_rang, f.report_order,
    res.qpv AS reside_qpv
FROM raw.seances AS r
JOIN report_files AS f USING (file_id)
LEFT JOIN seances_residences AS res
    ON res.id_participant = r.id_participant AND res.code_action = r.code_action
    AND r.date_seance >= res.debut AND r.date_seance < res.fin
WHERE in_build_scope(r.code_action)
QUALIFY row_number() OVER (
    PARTITION BY r.id_participant, r.code_action, r.date_seance
    ORDER BY f.report_order DESC, r.row_number
) = 1;
