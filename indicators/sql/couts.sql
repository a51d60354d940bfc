-- Costs: financement_total of the scope and period divided by its beneficiaires_uniques
-- (cout_par_beneficiaire) or by its positive exits (cout_par_sortie_positive).
-- Reads the values written by beneficiaires.sql, sorties.sql and financements.sql (they come
-- before this file in the registry). Every scope and period gets a row so that funding with
-- nobody (or people with no funding) is explicit: numerator and denominator default to 0.
INSERT INTO ind_valeurs
WITH cadre AS (
    SELECT per.periode, s.perimetre_type, s.perimetre_code
    FROM ind_periodes AS per
    CROSS JOIN ind_perimetres AS s
    WHERE s.perimetre_type <> 'qpv'
),
valeurs AS (
    SELECT periode, perimetre_type, perimetre_code,
        max(numerateur) FILTER (code_indicateur = 'financement_total') AS financement,
        max(numerateur) FILTER (code_indicateur = 'beneficiaires_uniques') AS beneficiaires,
        max(numerateur) FILTER (code_indicateur = 'taux_sorties_positives')
            AS sorties_positives
    FROM ind_valeurs
    WHERE ventilation = 'ensemble'
    GROUP BY ALL
),
base AS (
    SELECT c.periode, c.perimetre_type, c.perimetre_code,
        coalesce(v.financement, 0) AS financement,
        coalesce(v.beneficiaires, 0) AS beneficiaires,
        coalesce(v.sorties_positives, 0) AS sorties_positives
    FROM cadre AS c
    LEFT JOIN valeurs AS v USING (periode, perimetre_type, perimetre_code)
)
SELECT 'cout_par_beneficiaire', periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    financement, beneficiaires
FROM base
UNION ALL
SELECT 'cout_par_sortie_positive', periode, perimetre_type, perimetre_code, 'ensemble',
    'ensemble', financement, sorties_positives
FROM base;
