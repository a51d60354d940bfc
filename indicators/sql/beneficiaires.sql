-- beneficiaires_uniques (active people) and nouveaux_entrants (people whose chosen enrolment
-- entered in the period), counted once per scope from the ind_personnes cube.
-- Breakdowns by sexe and tranche_age exist at contract scope for beneficiaires_uniques only.
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
GROUP BY ALL;
