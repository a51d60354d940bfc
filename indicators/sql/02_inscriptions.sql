-- Enrolments in force with the attributes the indicators need.
-- Only enrolments of actions listed in actions.csv count (ingestion rejects the others).
-- age_entree = year(date_entree) - annee_naissance; tranche_age: moins_26 (< 26),
-- 26_49, 50_plus (>= 50). reside_qpv: code_qpv is a QPV of qpv.csv (not HORS_QPV).
-- rang_action orders actions by code so that "smallest code_action" is a number to compare.
CREATE OR REPLACE TEMP TABLE ind_inscriptions AS
WITH actions AS (
    SELECT code_action, row_number() OVER (ORDER BY code_action) AS rang_action
    FROM ref.actions
)
SELECT p.id_participant, p.code_action, a.rang_action, p.date_entree, p.date_sortie,
    p.motif_sortie, p.report_order, p.sexe,
    year(p.date_entree) - p.annee_naissance AS age_entree,
    CASE
        WHEN year(p.date_entree) - p.annee_naissance < 26 THEN 'moins_26'
        WHEN year(p.date_entree) - p.annee_naissance < 50 THEN '26_49'
        ELSE '50_plus'
    END AS tranche_age,
    p.code_qpv,
    q.code_qpv IS NOT NULL AS reside_qpv,
    p.niveau_formation IN ('sans_diplome', 'cap_bep') AS infra_bac,
    NOT p.inscrit_france_travail AS non_inscrit_ft
FROM staging.participants AS p
JOIN actions AS a USING (code_action)
LEFT JOIN ref.qpv AS q ON q.code_qpv = p.code_qpv;
