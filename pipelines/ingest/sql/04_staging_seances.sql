-- Sessions in force: per key (id_participant, code_action, date_seance) the most recent
-- report wins (then the first row). reside_qpv: the residence of the session's own
-- enrolment (seances_residences.sql), NULL when the person has none in that action.
-- A file never holds a key twice (rule doublon), so a key can only be repeated where the
-- same action and date appear in two files in force: only those sessions (a tenth at a big
-- city's size) are ranked. Ranking all 25 M sessions with a window took twice as long.
DELETE FROM staging.seances WHERE in_build_scope(code_action);
INSERT INTO staging.seances BY NAME
WITH dates_partagees AS (
    SELECT code_action, date_seance
    FROM raw.seances
    SEMI JOIN report_files USING (file_id)
    WHERE in_build_scope(code_action)
    GROUP BY ALL
    HAVING min(file_id) <> max(file_id)
),
-- the winning row of each key of those dates: highest report_order, then lowest row_number
gagnantes AS (
    SELECT r.id_participant, r.code_action, r.date_seance,
        max(f.report_order * 4294967296 - r.row_number) AS rang
    FROM raw.seances AS r
    JOIN report_files AS f USING (file_id)
    SEMI JOIN dates_partagees AS d USING (code_action, date_seance)
    WHERE in_build_scope(r.code_action)
    GROUP BY ALL
),
en_vigueur AS (
    SELECT r.*, f.code_partenaire, f.periode, f.periode_rang, f.report_order
    FROM raw.seances AS r
    JOIN report_files AS f USING (file_id)
    ANTI JOIN dates_partagees AS d USING (code_action, date_seance)
    WHERE in_build_scope(r.code_action)
    UNION ALL
    SELECT r.*, f.code_partenaire, f.periode, f.periode_rang, f.report_order
    FROM raw.seances AS r
    JOIN report_files AS f USING (file_id)
    JOIN gagnantes AS g
        ON g.id_participant = r.id_participant AND g.code_action = r.code_action
        AND g.date_seance = r.date_seance
        AND g.rang = f.report_order * 4294967296 - r.row_number
    WHERE in_build_scope(r.code_action)
)
SELECT s.*, res.qpv AS reside_qpv
FROM en_vigueur AS s
LEFT JOIN seances_residences AS res
    ON res.id_participant = s.id_participant AND res.code_action = s.code_action
    AND s.date_seance >= res.debut AND s.date_seance < res.fin;
