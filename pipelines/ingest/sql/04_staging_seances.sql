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
-- A file never holds a key twice (rule doublon), so a key can only be repeated where two
-- files in force hold the same action on overlapping dates: only the sessions of those
-- overlaps (a fifth at a big city's size, where some partners report a year and its
-- halves) are candidates, found from each file's date range per action, with no grouping
-- of every session. A candidate leaves the rows in force when another row of its key ranks
-- higher (highest report_order, then lowest row_number): one semi join, cheaper than a
-- grouped maximum joined back or a window.
UPDATE raw.seances AS s SET en_vigueur = false
FROM (
    WITH fichiers_actions AS (
        SELECT file_id, code_action, min(date_seance) AS premiere, max(date_seance) AS derniere
        FROM raw.seances
        SEMI JOIN report_files USING (file_id)
        WHERE in_build_scope(code_action)
        GROUP BY ALL
    ),
    chevauchements AS (
        SELECT a.file_id, a.code_action,
            greatest(a.premiere, b.premiere) AS debut, least(a.derniere, b.derniere) AS fin
        FROM fichiers_actions AS a
        JOIN fichiers_actions AS b
            ON b.code_action = a.code_action AND b.file_id <> a.file_id
            AND b.premiere <= a.derniere AND a.premiere <= b.derniere
    ),
    candidates AS (
        SELECT r.rowid AS ligne, r.id_participant, r.code_action, r.date_seance,
            rang_en_vigueur(f.report_order, r.row_number) AS rang
        FROM raw.seances AS r
        JOIN report_files AS f USING (file_id)
        SEMI JOIN chevauchements AS c
            ON c.file_id = r.file_id AND c.code_action = r.code_action
            AND r.date_seance BETWEEN c.debut AND c.fin
        WHERE in_build_scope(r.code_action)
    )
    SELECT c.ligne
    FROM candidates AS c
    SEMI JOIN candidates AS w
        ON w.id_participant = c.id_participant AND w.code_action = c.code_action
        AND w.date_seance = c.date_seance AND w.rang > c.rang
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
