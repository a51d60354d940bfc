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
-- of every session. A row leaves the rows in force when a row of its key ranks higher
-- (highest report_order, then lowest row_number), necessarily in a file ranked above its
-- own: the rows that may lose (in an overlap with a file ranked above) are looked up among
-- those that may win (in an overlap with a file ranked below), one semi join on half the
-- candidates each side. The overlaps are a table, so that the planner knows they are few.
CREATE OR REPLACE TEMP TABLE chevauchements_seances AS
WITH fichiers_actions AS (
    SELECT s.file_id, s.code_action, any_value(f.report_order) AS report_order,
        min(s.date_seance) AS premiere, max(s.date_seance) AS derniere
    FROM raw.seances AS s
    JOIN report_files AS f USING (file_id)
    WHERE in_build_scope(s.code_action)
    GROUP BY ALL
)
SELECT a.file_id AS dessous, b.file_id AS dessus, a.code_action,
    greatest(a.premiere, b.premiere) AS debut, least(a.derniere, b.derniere) AS fin
FROM fichiers_actions AS a
JOIN fichiers_actions AS b
    ON b.code_action = a.code_action AND b.report_order > a.report_order
    AND b.premiere <= a.derniere AND a.premiere <= b.derniere;
UPDATE raw.seances AS s SET en_vigueur = false
FROM (
    WITH perdantes_possibles AS (
        SELECT r.rowid AS ligne, r.id_participant, r.code_action, r.date_seance,
            rang_en_vigueur(f.report_order, r.row_number) AS rang
        FROM raw.seances AS r
        JOIN report_files AS f USING (file_id)
        SEMI JOIN chevauchements_seances AS c
            ON c.dessous = r.file_id AND c.code_action = r.code_action
            AND r.date_seance BETWEEN c.debut AND c.fin
    ),
    gagnantes_possibles AS (
        SELECT r.id_participant, r.code_action, r.date_seance,
            rang_en_vigueur(f.report_order, r.row_number) AS rang
        FROM raw.seances AS r
        JOIN report_files AS f USING (file_id)
        SEMI JOIN chevauchements_seances AS c
            ON c.dessus = r.file_id AND c.code_action = r.code_action
            AND r.date_seance BETWEEN c.debut AND c.fin
    )
    SELECT p.ligne
    FROM perdantes_possibles AS p
    SEMI JOIN gagnantes_possibles AS g
        ON g.id_participant = p.id_participant AND g.code_action = p.code_action
        AND g.date_seance = p.date_seance AND g.rang > p.rang
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
