-- People per period and scope, counted once (data contract section 4).
-- For each (period, scope, person) the chosen enrolment is the person's active enrolment in
-- that scope with the latest date_entree, ties: most recent report, then smallest
-- code_action, i.e. the highest rang (02_inscriptions.sql). Its attributes describe the
-- person there. The qpv scope takes the people of the contract scope grouped by the
-- code_qpv of their contract-level chosen enrolment (with its other attributes).
-- New entrants: a person entered the scope in the period iff the chosen enrolment's
-- date_entree >= period start. Same as applying the rule to the enrolments entering in the
-- period: an enrolment entering in the period is active in it, so the latest active one
-- entered then too. Thus entrants get the attributes (and qpv) of their latest entry.
-- Speed: a person with a single enrolment is described by it at every scope, so those rows
-- are counted per action and rolled up; only people with several enrolments go through the
-- per-scope choice (a high-cardinality GROUP BY). The result is a small cube of head
-- counts, never person rows.
-- ind_personnes_choisies keeps the chosen enrolment (rang) of each (period, scope, person
-- with several enrolments): 04_personnes_contrat.sql reads its contract-scope rows instead
-- of choosing again. code_qpv is kept at contract scope only, where the qpv scope is read
-- from: elsewhere it would multiply the cube by the number of QPV.
CREATE OR REPLACE TEMP TABLE ind_personnes_choisies AS
WITH periodes AS (
    SELECT periode, debut, fin, dense_rank() OVER (ORDER BY periode) AS periode_id
    FROM ind_periodes
),
actives AS (
    SELECT per.periode_id, i.id_personne, i.code_action, i.rang
    FROM ind_inscriptions AS i
    JOIN periodes AS per
        ON i.date_entree <= per.fin AND (i.date_sortie IS NULL OR i.date_sortie >= per.debut)
    WHERE i.n_inscriptions > 1
),
choix AS (
    SELECT a.periode_id, ap.perimetre_id, max(a.rang) AS rang
    FROM actives AS a
    JOIN ind_action_perimetres AS ap USING (code_action)
    GROUP BY a.periode_id, ap.perimetre_id, a.id_personne
)
SELECT per.periode, per.debut, c.perimetre_id, c.rang
FROM choix AS c
JOIN periodes AS per USING (periode_id);

CREATE OR REPLACE TEMP TABLE ind_personnes AS
WITH actives AS (
    SELECT per.periode, per.debut, i.*
    FROM ind_inscriptions AS i
    JOIN ind_periodes AS per
        ON i.date_entree <= per.fin AND (i.date_sortie IS NULL OR i.date_sortie >= per.debut)
    WHERE i.n_inscriptions = 1
),
-- the scopes with their numbers; the contract's is the only one that keeps code_qpv
perimetres AS (
    SELECT DISTINCT perimetre_id, perimetre_type, perimetre_code FROM ind_action_perimetres
),
-- people with several enrolments, counted per scope number before the scope's names join
choisies AS (
    SELECT c.periode, c.perimetre_id, i.sexe, i.tranche_age,
        CASE WHEN ap.perimetre_type = 'contrat' THEN i.code_qpv END AS code_qpv,
        i.reside_qpv, i.infra_bac, i.non_inscrit_ft, i.date_entree >= c.debut AS entrant,
        count(*) AS personnes
    FROM ind_personnes_choisies AS c
    JOIN perimetres AS ap USING (perimetre_id)
    JOIN ind_inscriptions AS i USING (rang)
    GROUP BY ALL
),
-- people with one enrolment: per action without the QPV, for the contract by QPV
seules AS (
    SELECT periode, code_action, sexe, tranche_age, reside_qpv, infra_bac, non_inscrit_ft,
        date_entree >= debut AS entrant, count(*) AS personnes
    FROM actives
    GROUP BY ALL
),
seules_contrat AS (
    SELECT periode, sexe, tranche_age, code_qpv, reside_qpv, infra_bac, non_inscrit_ft,
        date_entree >= debut AS entrant, count(*) AS personnes
    FROM actives
    GROUP BY ALL
),
cube AS (
    SELECT s.periode, ap.perimetre_type, ap.perimetre_code, s.sexe, s.tranche_age,
        NULL AS code_qpv, s.reside_qpv, s.infra_bac, s.non_inscrit_ft, s.entrant, s.personnes
    FROM seules AS s
    JOIN ind_action_perimetres AS ap USING (code_action)
    WHERE ap.perimetre_type <> 'contrat'
    UNION ALL
    SELECT s.periode, 'contrat', c.code, s.sexe, s.tranche_age, s.code_qpv, s.reside_qpv,
        s.infra_bac, s.non_inscrit_ft, s.entrant, s.personnes
    FROM seules_contrat AS s, ind_contrat AS c
    UNION ALL
    SELECT c.periode, ap.perimetre_type, ap.perimetre_code, c.sexe, c.tranche_age, c.code_qpv,
        c.reside_qpv, c.infra_bac, c.non_inscrit_ft, c.entrant, c.personnes
    FROM choisies AS c
    JOIN perimetres AS ap USING (perimetre_id)
),
total AS (
    SELECT periode, perimetre_type, perimetre_code, sexe, tranche_age, code_qpv, reside_qpv,
        infra_bac, non_inscrit_ft, entrant, sum(personnes) AS personnes
    FROM cube
    GROUP BY ALL
)
SELECT * FROM total
UNION ALL
SELECT periode, 'qpv', code_qpv, sexe, tranche_age, code_qpv, reside_qpv, infra_bac,
    non_inscrit_ft, entrant, personnes
FROM total
WHERE perimetre_type = 'contrat' AND reside_qpv;
