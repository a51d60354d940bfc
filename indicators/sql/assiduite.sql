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
-- Speed: the 20M-row table is read once and grouped per (person, action, year, inside the
-- contract's dates); only the rare person-action pairs whose enrolments disagree on
-- residence are read again session by session (ASOF join on date_entree). People are
-- numbered by their id_personne (02_inscriptions.sql), so the counts group on integers.
CREATE OR REPLACE TEMP TABLE ind_seances AS
WITH residences AS (
    SELECT id_participant, code_action, min(id_personne) AS personne,
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
    SELECT p.*, r.premiere AS reside_qpv, r.personne
    FROM par_personne AS p
    LEFT JOIN residences AS r USING (id_participant, code_action)
    WHERE r.unique_residence IS DISTINCT FROM FALSE
),
ambigues AS (
    SELECT s.id_participant, s.code_action, year(s.date_seance) AS annee,
        s.date_seance >= c.date_debut AS dans_contrat,
        coalesce(e.reside_qpv, r.premiere) AS reside_qpv, r.personne,
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
),
toutes AS (
    SELECT * FROM simples
    UNION ALL BY NAME
    SELECT * FROM ambigues
),
-- people with no enrolment in the session's action (warnings): their number from another
-- enrolment, else a new negative one (id_personne of 02_inscriptions.sql is >= 1)
orphelins AS (
    SELECT o.id_participant, min(i.id_personne) AS personne
    FROM (SELECT DISTINCT id_participant FROM toutes WHERE personne IS NULL) AS o
    LEFT JOIN ind_inscriptions AS i USING (id_participant)
    GROUP BY ALL
),
numeros AS (
    SELECT id_participant,
        coalesce(personne, -row_number() OVER (ORDER BY id_participant)) AS personne
    FROM orphelins
)
SELECT coalesce(t.personne, n.personne) AS personne, t.code_action, t.annee, t.dans_contrat,
    CASE t.reside_qpv WHEN TRUE THEN 'qpv' WHEN FALSE THEN 'hors_qpv' END AS residence,
    t.seances, t.presentes
FROM toutes AS t
LEFT JOIN numeros AS n ON t.personne IS NULL AND n.id_participant = t.id_participant;

-- sessions of each period (years: the whole calendar year; cumul: from the contract's
-- start), one row per (period, action, person, residence)
CREATE OR REPLACE TEMP TABLE ind_seances_periodes AS
SELECT per.periode, s.code_action, s.personne, s.residence,
    sum(s.seances) AS seances, sum(s.presentes) AS presentes
FROM ind_seances AS s
JOIN ind_periodes AS per
    ON s.annee BETWEEN year(per.debut) AND year(per.fin) AND (per.annuelle OR s.dans_contrat)
GROUP BY ALL;

DELETE FROM marts.assiduite_personnes;

-- distinct people: one row per (period, scope, person) first, then counted (cheaper than
-- count(DISTINCT) per group)
INSERT INTO marts.assiduite_personnes
WITH par_perimetre AS (
    SELECT s.periode, ap.perimetre_type, ap.perimetre_code, s.personne, s.residence
    FROM ind_seances_periodes AS s
    JOIN ind_action_perimetres AS ap USING (code_action)
),
ensemble AS (
    SELECT periode, perimetre_type, perimetre_code, personne
    FROM par_perimetre
    GROUP BY ALL
),
residence AS (
    SELECT periode, perimetre_type, perimetre_code, residence, personne
    FROM par_perimetre
    WHERE residence IS NOT NULL AND perimetre_type IN ('contrat', 'pilier')
    GROUP BY ALL
)
SELECT 'taux_assiduite', periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    count(*)
FROM ensemble
GROUP BY ALL
UNION ALL
SELECT 'taux_assiduite', periode, perimetre_type, perimetre_code, 'residence', residence,
    count(*)
FROM residence
GROUP BY ALL;

INSERT INTO ind_valeurs
WITH par_action AS (
    SELECT periode, code_action, residence, sum(presentes) AS presentes,
        sum(seances) AS seances
    FROM ind_seances_periodes
    GROUP BY ALL
),
avec_perimetre AS (
    SELECT p.*, ap.perimetre_type, ap.perimetre_code
    FROM par_action AS p
    JOIN ind_action_perimetres AS ap USING (code_action)
)
SELECT 'taux_assiduite', periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    sum(presentes), sum(seances)
FROM avec_perimetre
GROUP BY ALL
UNION ALL
SELECT 'taux_assiduite', periode, perimetre_type, perimetre_code, 'residence', residence,
    sum(presentes), sum(seances)
FROM avec_perimetre
WHERE residence IS NOT NULL AND perimetre_type IN ('contrat', 'pilier')
GROUP BY ALL;
