-- A session of a person with no accepted enrolment in that action, in any period.
-- The row stays in staging and counts like the others; the partner is told.
INSERT INTO staging.cross_file_warnings (file_id, row_number, colonne, valeur, regle, message)
SELECT
    s.file_id,
    s.row_number,
    'id_participant',
    s.id_participant,
    'seance_sans_inscription',
    'Séance de la personne « ' || s.id_participant || ' » à l''action ' || s.code_action
        || ' sans inscription acceptée à cette action (dans aucun bilan participants).'
FROM staging.seances AS s
-- a session with an enrolment in its action has a residence (04_staging_seances.sql): only
-- the few without one are looked up, not the 22 M sessions of a big city
WHERE in_build_scope(s.code_action) AND s.reside_qpv IS NULL AND NOT EXISTS (
    -- the same actions only, so that a partial build does not read every enrolment
    SELECT 1 FROM staging.participants AS p
    WHERE in_build_scope(p.code_action)
        AND p.id_participant = s.id_participant AND p.code_action = s.code_action
);
