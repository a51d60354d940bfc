-- (v2) People at contract scope by niveau_formation, freins and prescripteur, for the
-- breakdowns that exist at contract scope only (data contract section 4).
-- Same rule as 03_personnes.sql: each person active in the period is described by their
-- active enrolment with the highest rang (latest date_entree, then most recent report,
-- then smallest code_action); entrant = that enrolment entered in the period, which makes
-- it the latest enrolment entering in the period (the rule for nouveaux_entrants).
-- Kept apart from ind_personnes so that its cube does not multiply by these attributes at
-- every scope. Speed, as in 03_personnes.sql: a person with a single enrolment is described
-- by it; people with several enrolments take the contract-scope choice 03_personnes.sql
-- already made (ind_personnes_choisies).
CREATE OR REPLACE TEMP TABLE ind_personnes_contrat AS
WITH actives AS (
    SELECT per.periode, i.niveau_formation, i.freins,
        coalesce(i.prescripteur, 'non_renseigne') AS prescripteur,
        i.date_entree >= per.debut AS entrant
    FROM ind_inscriptions AS i
    JOIN ind_periodes AS per
        ON i.date_entree <= per.fin AND (i.date_sortie IS NULL OR i.date_sortie >= per.debut)
    WHERE i.n_inscriptions = 1
),
-- the contract-scope choice made by 03_personnes.sql
choisies AS (
    SELECT periode, debut, rang
    FROM ind_personnes_choisies
    WHERE perimetre_id IN (
        SELECT perimetre_id FROM ind_action_perimetres WHERE perimetre_type = 'contrat')
)
SELECT periode, niveau_formation, freins, prescripteur, entrant, count(*) AS personnes
FROM actives
GROUP BY ALL
UNION ALL
SELECT c.periode, i.niveau_formation, i.freins, coalesce(i.prescripteur, 'non_renseigne'),
    i.date_entree >= c.debut, count(*)
FROM choisies AS c
JOIN ind_inscriptions AS i USING (rang)
GROUP BY ALL;
