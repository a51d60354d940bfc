-- taux_assiduite: sessions dated in the period with presence = present / all of them
-- (an excused absence counts as not attended). The session's action gives its scopes.
-- (v2) Breakdown by residence at contract and pilier scope: a session takes the residence
-- of its own enrolment, i.e. the person's enrolment in the session's action (when they
-- have several there with different residences: the one with the latest date_entree on or
-- before the session, else their first one). A session kept with a warning because its
-- person has no enrolment in that action has no residence: it counts in 'ensemble' only.
-- (v2) The distinct people behind the sessions of each row replace marts.assiduite_personnes
-- (same transaction as marts.indicateurs; rows without sessions are absent = 0 people): an
-- attendance rate is secret when 1 to seuil_secret - 1 people stand behind its sessions
-- (data contract section 5).
-- Speed: the 20M-row table is read once, grouped per (person, action, year, inside the
-- contract's dates); only the rare person-action pairs whose enrolments disagree on
-- residence are resolved session by session (ASOF join on date_entree).
CREATE OR REPLACE TEMP TABLE ind_seances AS
WITH residences AS (
    SELECT id_participant, code_action,
        arg_min(reside_qpv, date_entree) AS premiere,
        bool_and(reside_qpv) = bool_or(reside_qpv) AS unique_residence
    FROM ind_inscriptions
    GROUP BY ALL
),
par_personne AS (
    SELECT s.id_participant, s.code_action, year(s.date_seance) AS annee,
        s.date_seance >= c.date_debut AS dans_contrat,
        count(*) AS seances, count(*) FILTER (s.presence = 'present') AS presentes
    FROM staging.seances AS s, ind_contrat AS c
    GROUP BY ALL
),
simples AS (
    SELECT p.*, r.premiere AS reside_qpv
    FROM par_personne AS p
    LEFT JOIN residences AS r USING (id_participant, code_action)
    WHERE r.unique_residence IS DISTINCT FROM FALSE
),
ambigues AS (
    SELECT s.id_participant, s.code_action, year(s.date_seance) AS annee,
        s.date_seance >= c.date_debut AS dans_contrat,
        coalesce(e.reside_qpv, r.premiere) AS reside_qpv,
        count(*) AS seances, count(*) FILTER (s.presence = 'present') AS presentes
    FROM staging.seances AS s
    JOIN residences AS r
        ON r.id_participant = s.id_participant AND r.code_action = s.code_action
        AND NOT r.unique_residence
    CROSS JOIN ind_contrat AS c
    ASOF LEFT JOIN ind_inscriptions AS e
        ON e.id_participant = s.id_participant AND e.code_action = s.code_action
        AND s.date_seance >= e.date_entree
    GROUP BY ALL
)
SELECT id_participant, code_action, annee, dans_contrat,
    CASE reside_qpv WHEN TRUE THEN 'qpv' WHEN FALSE THEN 'hors_qpv' END AS residence,
    seances, presentes
FROM simples
UNION ALL
SELECT id_participant, code_action, annee, dans_contrat,
    CASE reside_qpv WHEN TRUE THEN 'qpv' WHEN FALSE THEN 'hors_qpv' END,
    seances, presentes
FROM ambigues;

-- sessions of each period (years: the whole calendar year; cumul: from the contract's start)
CREATE OR REPLACE TEMP TABLE ind_seances_perimetres AS
SELECT per.periode, ap.perimetre_type, ap.perimetre_code, s.id_participant, s.residence,
    sum(s.seances) AS seances, sum(s.presentes) AS presentes
FROM ind_seances AS s
JOIN ind_periodes AS per
    ON s.annee BETWEEN year(per.debut) AND year(per.fin) AND (per.annuelle OR s.dans_contrat)
JOIN ind_action_perimetres AS ap USING (code_action)
GROUP BY ALL;

DELETE FROM marts.assiduite_personnes;

INSERT INTO marts.assiduite_personnes
SELECT 'taux_assiduite' AS code_indicateur, periode, perimetre_type, perimetre_code,
    'ensemble' AS ventilation, 'ensemble' AS modalite,
    count(DISTINCT id_participant) AS personnes
FROM ind_seances_perimetres
GROUP BY ALL
UNION ALL
SELECT 'taux_assiduite', periode, perimetre_type, perimetre_code, 'residence', residence,
    count(DISTINCT id_participant)
FROM ind_seances_perimetres
WHERE residence IS NOT NULL AND perimetre_type IN ('contrat', 'pilier')
GROUP BY ALL;

INSERT INTO ind_valeurs
SELECT 'taux_assiduite', periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    sum(presentes), sum(seances)
FROM ind_seances_perimetres
GROUP BY ALL
UNION ALL
SELECT 'taux_assiduite', periode, perimetre_type, perimetre_code, 'residence', residence,
    sum(presentes), sum(seances)
FROM ind_seances_perimetres
WHERE residence IS NOT NULL AND perimetre_type IN ('contrat', 'pilier')
GROUP BY ALL;
