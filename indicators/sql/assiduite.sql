-- taux_assiduite: sessions dated in the period with presence = present / all of them
-- (an excused absence counts as not attended). The session's action gives its scopes.
-- (v2) Breakdown by residence at contract and pilier scope: a session takes the residence
-- of its own enrolment (staging.seances.reside_qpv, set with the rows in force by
-- pipelines/ingest/sql/seances_residences.sql). A session kept with a warning because its
-- person has no enrolment in that action has no residence: it counts in 'ensemble' only.
-- (v2) marts.assiduite_personnes: the distinct people behind the sessions of each row (same
-- transaction as marts.indicateurs; rows without sessions are absent = 0 people). An
-- attendance rate is secret when 1 to seuil_secret - 1 people stand behind its sessions
-- (data contract section 5), so the count must be exact below seuil_secret only.
-- Speed: the 20M sessions are read once into a few thousand cells (action, year,
-- residence, in the contract or not, bucket = hash of the person mod 64), each with the
-- smallest and largest id_participant: marts.cellules_seances, kept per action between
-- computations (cellules_seances.sql, indicators/session_cells.py). Within a row, a bucket
-- whose smallest and largest ids are equal holds exactly one person, another at least two:
-- when every bucket holds one person the number of buckets is the exact count; otherwise
-- the sum (1 or 2 per bucket) is a lower bound, kept when it already reaches seuil_secret
-- (exact = false), and the rare rows below it are counted exactly from the sessions.
CREATE OR REPLACE TEMP TABLE ind_seances AS
SELECT * FROM marts.cellules_seances;

-- a cell in each period: years take all its sessions, the cumul (from the contract's start
-- to its end year) only those on or after the start.
CREATE OR REPLACE TEMP TABLE ind_seances_annees AS
SELECT per.periode, per.annuelle, y.annee
FROM ind_periodes AS per, range(year(per.debut), year(per.fin) + 1) AS y(annee);

-- one row per (attendance row, bucket): sessions, and whether one person or more is behind
CREATE OR REPLACE TEMP TABLE ind_seances_seaux AS
WITH modalites AS (
    SELECT *, 'ensemble' AS ventilation, 'ensemble' AS modalite FROM ind_seances
    UNION ALL
    SELECT *, 'residence', residence FROM ind_seances WHERE residence IS NOT NULL
)
SELECT a.periode, ap.perimetre_type, ap.perimetre_code, m.ventilation, m.modalite, m.seau,
    sum(m.seances) AS seances, sum(m.presentes) AS presentes,
    min(m.premier) = max(m.dernier) AS une_personne
FROM modalites AS m
JOIN ind_seances_annees AS a ON a.annee = m.annee AND (a.annuelle OR m.dans_contrat)
JOIN ind_action_perimetres AS ap USING (code_action)
WHERE m.ventilation = 'ensemble' OR ap.perimetre_type IN ('contrat', 'pilier')
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE ind_seances_personnes AS
SELECT periode, perimetre_type, perimetre_code, ventilation, modalite,
    sum(CASE WHEN une_personne THEN 1 ELSE 2 END) AS personnes,
    bool_and(une_personne) AS exact
FROM ind_seances_seaux
GROUP BY ALL;

-- rows whose lower bound stays below seuil_secret: counted exactly from the sessions
CREATE OR REPLACE TEMP TABLE ind_seances_a_compter AS
SELECT p.periode, p.perimetre_type, p.perimetre_code, p.ventilation, p.modalite,
    ap.code_action, a.annee, a.annuelle
FROM ind_seances_personnes AS p
JOIN ref.contrat AS c ON p.personnes < c.seuil_secret
JOIN ind_seances_annees AS a USING (periode)
JOIN ind_action_perimetres AS ap USING (perimetre_type, perimetre_code)
WHERE NOT p.exact;

DELETE FROM marts.assiduite_personnes;

INSERT INTO marts.assiduite_personnes
    (code_indicateur, periode, perimetre_type, perimetre_code, ventilation, modalite,
     personnes, exact)
WITH seances AS (
    SELECT s.id_participant, s.code_action, year(s.date_seance) AS annee,
        s.date_seance >= c.date_debut AS dans_contrat,
        CASE s.reside_qpv WHEN TRUE THEN 'qpv' WHEN FALSE THEN 'hors_qpv' END AS residence
    FROM staging.seances AS s, ind_contrat AS c
    WHERE s.code_action IN (SELECT code_action FROM ind_seances_a_compter)
),
exactes AS (
    SELECT k.periode, k.perimetre_type, k.perimetre_code, k.ventilation, k.modalite,
        count(DISTINCT s.id_participant) AS personnes
    FROM ind_seances_a_compter AS k
    JOIN seances AS s
        ON s.code_action = k.code_action AND s.annee = k.annee
        AND (k.annuelle OR s.dans_contrat)
        AND (k.ventilation = 'ensemble' OR s.residence = k.modalite)
    GROUP BY ALL
)
SELECT 'taux_assiduite', p.periode, p.perimetre_type, p.perimetre_code, p.ventilation,
    p.modalite, coalesce(e.personnes, p.personnes),
    p.exact OR e.personnes IS NOT NULL
FROM ind_seances_personnes AS p
LEFT JOIN exactes AS e
    USING (periode, perimetre_type, perimetre_code, ventilation, modalite);

INSERT INTO ind_valeurs
SELECT 'taux_assiduite', periode, perimetre_type, perimetre_code, ventilation, modalite,
    sum(presentes), sum(seances)
FROM ind_seances_seaux
GROUP BY ALL;
