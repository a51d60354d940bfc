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
-- Speed: the 20M-row table is read once and grouped per (person, action, year), counting
-- apart the sessions on or after the contract's start (the cumul); only the rare
-- person-action pairs whose enrolments disagree on residence are read again session by
-- session (ASOF join on date_entree). People are numbered by their id_personne
-- (02_inscriptions.sql), so later steps group on integers.
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
        count(*) AS seances, count(*) FILTER (s.presence = 'present') AS presentes,
        count(*) FILTER (s.date_seance >= c.date_debut) AS seances_contrat,
        count(*) FILTER (s.date_seance >= c.date_debut AND s.presence = 'present')
            AS presentes_contrat
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
        coalesce(e.reside_qpv, r.premiere) AS reside_qpv, r.personne,
        count(*) AS seances, count(*) FILTER (s.presence = 'present') AS presentes,
        count(*) FILTER (s.date_seance >= c.date_debut) AS seances_contrat,
        count(*) FILTER (s.date_seance >= c.date_debut AND s.presence = 'present')
            AS presentes_contrat
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
SELECT coalesce(t.personne, n.personne) AS personne, t.code_action, t.annee,
    CASE t.reside_qpv WHEN TRUE THEN 'qpv' WHEN FALSE THEN 'hors_qpv' END AS residence,
    t.seances, t.presentes, t.seances_contrat, t.presentes_contrat
FROM toutes AS t
LEFT JOIN numeros AS n ON t.personne IS NULL AND n.id_participant = t.id_participant;

-- a row of ind_seances in each period: years take all its sessions, the cumul (from the
-- contract's start to its end year) only those on or after the start; a row whose sessions
-- all fall before the start is not in the cumul. Periods and scopes get integer numbers so
-- that the distinct counts below group on integers only.
CREATE OR REPLACE TEMP TABLE ind_seances_annees AS
SELECT per.periode, per.annuelle, y.annee,
    dense_rank() OVER (ORDER BY per.periode) AS periode_id
FROM ind_periodes AS per, range(year(per.debut), year(per.fin) + 1) AS y(annee);

CREATE OR REPLACE TEMP TABLE ind_seances_perimetres AS
SELECT code_action, perimetre_type, perimetre_code,
    dense_rank() OVER (ORDER BY perimetre_type, perimetre_code) AS perimetre_id,
    perimetre_type IN ('contrat', 'pilier') AS par_residence
FROM ind_action_perimetres;

-- One row per person: people whose sessions all lie in one action with one residence (the
-- usual case) have one row per year there, so they are counted with count(*) and no
-- de-duplication; the others ('simple' false) go through the distinct count below.
-- dans_cumul: the person has sessions in the cumul.
CREATE OR REPLACE TEMP TABLE ind_seances_personnes AS
SELECT s.personne, min(s.code_action) AS code_action, min(s.residence) AS residence,
    min(s.code_action) = max(s.code_action)
        AND min(coalesce(s.residence, '-')) = max(coalesce(s.residence, '-')) AS simple,
    bool_or(s.seances_contrat > 0 AND c.annee IS NOT NULL) AS dans_cumul
FROM ind_seances AS s
LEFT JOIN ind_seances_annees AS c ON c.annee = s.annee AND NOT c.annuelle
GROUP BY s.personne;

DELETE FROM marts.assiduite_personnes;

INSERT INTO marts.assiduite_personnes
WITH simples AS (
    SELECT a.periode, s.code_action, s.residence, count(*) AS personnes
    FROM ind_seances AS s
    SEMI JOIN ind_seances_personnes AS p ON p.personne = s.personne AND p.simple
    JOIN ind_seances_annees AS a ON a.annee = s.annee AND a.annuelle
    GROUP BY ALL
    UNION ALL
    SELECT 'cumul', code_action, residence, count(*)
    FROM ind_seances_personnes
    WHERE simple AND dans_cumul
    GROUP BY ALL
),
simples_perimetres AS (
    SELECT s.periode, ap.perimetre_type, ap.perimetre_code, s.residence, s.personnes
    FROM simples AS s
    JOIN ind_action_perimetres AS ap USING (code_action)
),
-- people behind several actions or residences: one row per (period, scope, person,
-- residence), then per (period, scope, person)
multiples_residence AS (
    SELECT a.periode_id, ap.perimetre_id, ap.par_residence, s.personne, s.residence
    FROM ind_seances AS s
    SEMI JOIN ind_seances_personnes AS p ON p.personne = s.personne AND NOT p.simple
    JOIN ind_seances_annees AS a ON a.annee = s.annee AND (a.annuelle OR s.seances_contrat > 0)
    JOIN ind_seances_perimetres AS ap USING (code_action)
    GROUP BY ALL
),
multiples AS (
    SELECT periode_id, perimetre_id, personne
    FROM multiples_residence
    GROUP BY ALL
),
multiples_comptes AS (
    SELECT periode_id, perimetre_id, 'ensemble' AS ventilation, 'ensemble' AS modalite,
        count(*) AS personnes
    FROM multiples
    GROUP BY ALL
    UNION ALL
    SELECT periode_id, perimetre_id, 'residence', residence, count(*)
    FROM multiples_residence
    WHERE residence IS NOT NULL AND par_residence
    GROUP BY ALL
),
comptes AS (
    SELECT periode, perimetre_type, perimetre_code, 'ensemble' AS ventilation,
        'ensemble' AS modalite, sum(personnes) AS personnes
    FROM simples_perimetres
    GROUP BY ALL
    UNION ALL
    SELECT periode, perimetre_type, perimetre_code, 'residence', residence, sum(personnes)
    FROM simples_perimetres
    WHERE residence IS NOT NULL AND perimetre_type IN ('contrat', 'pilier')
    GROUP BY ALL
    UNION ALL
    SELECT a.periode, ap.perimetre_type, ap.perimetre_code, m.ventilation, m.modalite,
        m.personnes
    FROM multiples_comptes AS m
    JOIN (SELECT DISTINCT periode, periode_id FROM ind_seances_annees) AS a USING (periode_id)
    JOIN (SELECT DISTINCT perimetre_id, perimetre_type, perimetre_code
          FROM ind_seances_perimetres) AS ap USING (perimetre_id)
)
SELECT 'taux_assiduite', periode, perimetre_type, perimetre_code, ventilation, modalite,
    sum(personnes)
FROM comptes
GROUP BY ALL;

-- sums: sessions per (action, year, residence) first, a few hundred rows
INSERT INTO ind_valeurs
WITH par_annee AS (
    SELECT code_action, annee, residence, sum(seances) AS seances,
        sum(presentes) AS presentes, sum(seances_contrat) AS seances_contrat,
        sum(presentes_contrat) AS presentes_contrat
    FROM ind_seances
    GROUP BY ALL
),
par_action AS (
    SELECT a.periode, p.code_action, p.residence,
        sum(CASE WHEN a.annuelle THEN p.presentes ELSE p.presentes_contrat END) AS presentes,
        sum(CASE WHEN a.annuelle THEN p.seances ELSE p.seances_contrat END) AS seances
    FROM par_annee AS p
    JOIN ind_seances_annees AS a ON a.annee = p.annee AND (a.annuelle OR p.seances_contrat > 0)
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
