-- Enrolments in force with the attributes the indicators need.
-- Only enrolments of actions listed in actions.csv count (ingestion rejects the others).
-- age_entree = year(date_entree) - annee_naissance; tranche_age: moins_26 (< 26),
-- 26_49, 50_plus (>= 50). reside_qpv: code_qpv is a QPV of qpv.csv (not HORS_QPV).
-- rang orders all enrolments by the choice rule of section 4 (latest date_entree, then most
-- recent report, then smallest code_action): among a person's enrolments the highest rang is
-- the one that describes them. id_personne (an integer per id_participant, cheaper to group
-- on than long pseudonyms) and n_inscriptions (enrolments of the person) come from one
-- group per person. Ranks and groups are made on the keys alone, then joined to the rows:
-- windows over the whole rows took 1.5x as long at a big city's 1.4 M enrolments.
CREATE OR REPLACE TEMP TABLE ind_inscriptions AS
WITH retenues AS (
    SELECT p.rowid AS ligne, p.id_participant,
        row_number() OVER (
            ORDER BY p.date_entree, p.report_order, p.code_action DESC
        ) AS rang
    FROM staging.participants AS p
    SEMI JOIN ref.actions AS a ON a.code_action = p.code_action
),
personnes AS (
    SELECT id_participant, min(rang) AS id_personne, count(*) AS n_inscriptions
    FROM retenues
    GROUP BY id_participant
)
SELECT p.id_participant, p.code_action, p.date_entree, p.date_sortie, p.motif_sortie,
    p.report_order, p.sexe,
    year(p.date_entree) - p.annee_naissance AS age_entree,
    p.code_qpv,
    q.code_qpv IS NOT NULL AS reside_qpv,
    p.niveau_formation IN ('sans_diplome', 'cap_bep') AS infra_bac,
    p.niveau_formation, p.freins, p.prescripteur,
    NOT p.inscrit_france_travail AS non_inscrit_ft,
    r.rang,
    CASE  -- age_entree: the alias above (DuckDB's lateral column aliases)
        WHEN age_entree < 26 THEN 'moins_26'
        WHEN age_entree < 50 THEN '26_49'
        ELSE '50_plus'
    END AS tranche_age,
    n.id_personne,
    n.n_inscriptions
FROM staging.participants AS p
JOIN retenues AS r ON r.ligne = p.rowid
JOIN personnes AS n ON n.id_participant = p.id_participant
LEFT JOIN ref.qpv AS q ON q.code_qpv = p.code_qpv;
