-- The sessions' cells of taux_assiduite for the actions of ind_cellules_actions (all of
-- them when it holds every action: indicators/session_cells.py), read by assiduite.sql.
-- A cell: (action, year, residence, in the contract or not, bucket = hash of the person
-- mod 64) with its sessions, present ones, and smallest and largest id_participant.
-- Residence: the session's own enrolment's (staging.seances.reside_qpv), none for a
-- session kept with a warning because its person has no enrolment in that action.
DELETE FROM marts.cellules_seances
WHERE code_action IN (SELECT code_action FROM ind_cellules_actions);

INSERT INTO marts.cellules_seances
SELECT s.code_action, year(s.date_seance) AS annee,
    CASE s.reside_qpv WHEN TRUE THEN 'qpv' WHEN FALSE THEN 'hors_qpv' END AS residence,
    s.date_seance >= c.date_debut AS dans_contrat,
    hash(s.id_participant) % 64 AS seau,
    count(*) AS seances, count(*) FILTER (s.presence = 'present') AS presentes,
    min(s.id_participant) AS premier, max(s.id_participant) AS dernier
FROM staging.seances AS s, ind_contrat AS c
WHERE s.code_action IN (SELECT code_action FROM ind_cellules_actions)
GROUP BY ALL;
