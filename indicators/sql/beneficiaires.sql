-- beneficiaires_uniques (active people) and nouveaux_entrants (people whose chosen enrolment
-- entered in the period), counted once per scope from the ind_personnes cube.
-- Breakdowns by sexe and tranche_age exist at contract scope for beneficiaires_uniques only.
-- (v2) residence (qpv / hors_qpv from the chosen enrolment's code_qpv) at contract and pilier
-- scope; niveau_formation and frein (people at contract scope, 04_personnes_contrat.sql);
-- prescripteur for nouveaux_entrants (missing referrer: non_renseigne). frein is not a
-- partition: a person with two barriers counts under both, one with none under 'aucun'.
INSERT INTO ind_valeurs
SELECT 'beneficiaires_uniques', periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    sum(personnes), NULL
FROM ind_personnes
GROUP BY ALL
UNION ALL
SELECT 'nouveaux_entrants', periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    sum(personnes), NULL
FROM ind_personnes
WHERE entrant
GROUP BY ALL
UNION ALL
SELECT 'beneficiaires_uniques', periode, perimetre_type, perimetre_code, 'sexe', sexe,
    sum(personnes), NULL
FROM ind_personnes
WHERE perimetre_type = 'contrat'
GROUP BY ALL
UNION ALL
SELECT 'beneficiaires_uniques', periode, perimetre_type, perimetre_code, 'tranche_age',
    tranche_age, sum(personnes), NULL
FROM ind_personnes
WHERE perimetre_type = 'contrat'
GROUP BY ALL
UNION ALL
SELECT 'beneficiaires_uniques', periode, perimetre_type, perimetre_code, 'residence',
    CASE WHEN reside_qpv THEN 'qpv' ELSE 'hors_qpv' END, sum(personnes), NULL
FROM ind_personnes
WHERE perimetre_type IN ('contrat', 'pilier')
GROUP BY ALL
UNION ALL
SELECT 'beneficiaires_uniques', p.periode, 'contrat', c.code, 'niveau_formation',
    p.niveau_formation, sum(p.personnes), NULL
FROM ind_personnes_contrat AS p, ind_contrat AS c
GROUP BY ALL
UNION ALL
SELECT 'beneficiaires_uniques', p.periode, 'contrat', c.code, 'frein', f.frein,
    sum(p.personnes), NULL
FROM ind_personnes_contrat AS p, ind_contrat AS c,
    LATERAL (
        SELECT unnest(CASE WHEN coalesce(p.freins, '') = '' THEN ['aucun']
                           ELSE list_distinct(string_split(p.freins, ';')) END) AS frein
    ) AS f
GROUP BY ALL
UNION ALL
SELECT 'nouveaux_entrants', p.periode, 'contrat', c.code, 'prescripteur', p.prescripteur,
    sum(p.personnes), NULL
FROM ind_personnes_contrat AS p, ind_contrat AS c
WHERE p.entrant
GROUP BY ALL;
