-- Profile of the beneficiaires_uniques (shares, base = beneficiaires_uniques of the scope)
-- and taux_couverture_qpv (QPV residents per 1,000 inhabitants of qpv.csv).
-- Numerators count people whose chosen enrolment (see 03_personnes.sql) has the attribute.
-- taux_couverture_qpv is emitted for every QPV and the contract, even without people, since
-- its denominator (population) never depends on the data.
INSERT INTO ind_valeurs
WITH parts AS (
    SELECT periode, perimetre_type, perimetre_code,
        sum(personnes) AS base,
        coalesce(sum(personnes) FILTER (reside_qpv), 0) AS part_residents_qpv,
        coalesce(sum(personnes) FILTER (sexe = 'F'), 0) AS part_femmes,
        coalesce(sum(personnes) FILTER (tranche_age = 'moins_26'), 0) AS part_moins_26_ans,
        coalesce(sum(personnes) FILTER (tranche_age = '50_plus'), 0) AS part_50_ans_et_plus,
        coalesce(sum(personnes) FILTER (infra_bac), 0) AS part_infra_bac,
        coalesce(sum(personnes) FILTER (non_inscrit_ft), 0) AS part_non_inscrits_ft
    FROM ind_personnes
    GROUP BY ALL
),
residents AS (
    SELECT periode, perimetre_type, perimetre_code, sum(personnes) AS residents
    FROM ind_personnes
    WHERE perimetre_type IN ('contrat', 'qpv') AND reside_qpv
    GROUP BY ALL
),
populations AS (
    SELECT 'qpv' AS perimetre_type, code_qpv AS perimetre_code,
        coalesce(population, 0) AS population
    FROM ref.qpv
    UNION ALL
    SELECT 'contrat', c.code, coalesce((SELECT sum(population) FROM ref.qpv), 0)
    FROM ind_contrat AS c
)
SELECT code_indicateur, periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    numerateur, base
FROM (
    UNPIVOT parts
    ON part_residents_qpv, part_femmes, part_moins_26_ans, part_50_ans_et_plus,
        part_infra_bac, part_non_inscrits_ft
    INTO NAME code_indicateur VALUE numerateur
)
WHERE NOT (code_indicateur = 'part_residents_qpv' AND perimetre_type = 'qpv')
UNION ALL
SELECT 'taux_couverture_qpv', per.periode, pop.perimetre_type, pop.perimetre_code,
    'ensemble', 'ensemble', coalesce(r.residents, 0), pop.population
FROM populations AS pop
CROSS JOIN ind_periodes AS per
LEFT JOIN residents AS r USING (periode, perimetre_type, perimetre_code);
