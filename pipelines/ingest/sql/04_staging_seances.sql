-- Sessions in force: per key (id_participant, code_action, date_seance) the most recent
-- report wins (then the first row). They are not copied: raw.seances' rows in force are
-- flagged en_vigueur and staging.seances is a view of them (migration 0012), since a copy
-- of a big city's 22 M sessions was two thirds of this build. reside_qpv: the residence of
-- the session's own enrolment (seances_residences.sql), NULL when the person has none in
-- that action.
UPDATE raw.seances SET en_vigueur = false, reside_qpv = NULL
WHERE en_vigueur AND in_build_scope(code_action);
UPDATE raw.seances SET en_vigueur = true
WHERE file_id IN (SELECT file_id FROM report_files) AND in_build_scope(code_action);
-- A file never holds a key twice (rule doublon), so a key can only be repeated where the
-- same action and date appear in two files in force: only those sessions (a fifth at a big
-- city's size) are ranked; all but the winner of each key (highest report_order, then
-- lowest row_number) leave the rows in force.
UPDATE raw.seances AS s SET en_vigueur = false
FROM (
    WITH dates_partagees AS (
        SELECT code_action, date_seance
        FROM raw.seances
        SEMI JOIN report_files USING (file_id)
        WHERE in_build_scope(code_action)
        GROUP BY ALL
        HAVING min(file_id) <> max(file_id)
    ),
    candidates AS (
        SELECT r.rowid AS ligne, r.id_participant, r.code_action, r.date_seance,
            rang_en_vigueur(f.report_order, r.row_number) AS rang
        FROM raw.seances AS r
        JOIN report_files AS f USING (file_id)
        SEMI JOIN dates_partagees AS d USING (code_action, date_seance)
        WHERE in_build_scope(r.code_action)
    ),
    -- a grouped maximum joined back: cheaper than a window over every candidate
    repetees AS (
        SELECT id_participant, code_action, date_seance, max(rang) AS gagnant
        FROM candidates
        GROUP BY ALL
        HAVING count(*) > 1
    )
    SELECT c.ligne
    FROM candidates AS c
    JOIN repetees AS k USING (id_participant, code_action, date_seance)
    WHERE c.rang <> k.gagnant
) AS perdantes
WHERE s.rowid = perdantes.ligne;
UPDATE raw.seances AS s SET reside_qpv = res.qpv
FROM seances_residences AS res
WHERE s.en_vigueur AND in_build_scope(s.code_action)
    AND res.id_participant = s.id_participant AND res.code_action = s.code_action
    AND s.date_seance >= res.debut AND s.date_seance < res.fin;
-- The actions of each file's sessions in force, for the scope of the next build
-- (build_scope.sql): a file leaving the set in force may have lost its rows already.
DELETE FROM ingest.staging_seances_actions WHERE in_build_scope(code_action);
INSERT INTO ingest.staging_seances_actions
SELECT DISTINCT file_id, code_action FROM raw.seances
WHERE en_vigueur AND in_build_scope(code_action);
