-- Funding indicators. A funding line belongs to a period when its budget year annee lies in
-- the period's years (cumul: contract start year .. latest year) and reaches the action's
-- scopes (action, its partner and pilier, contract); none at qpv scope.
-- part_premier_financeur: each financeur is summed over the whole scope first, then the
-- largest sum is taken. part_financement_securise_n1: lines whose date_fin is on or after
-- 31 December of (the period's last year + 1). Sums are exact decimals, cast at the end.
-- (v2) financement_total is also broken down by financeur at every funding scope.
INSERT INTO ind_valeurs
WITH par_financeur AS (
    SELECT per.periode, ap.perimetre_type, ap.perimetre_code, f.financeur,
        sum(f.montant_accorde) AS montant,
        coalesce(sum(f.montant_accorde)
            FILTER (f.type_convention = 'pluriannuelle_cpo'), 0) AS cpo,
        coalesce(sum(f.montant_accorde)
            FILTER (f.date_fin >= make_date(per.annee_fin + 1, 12, 31)), 0) AS securise
    FROM staging.financements AS f
    JOIN ind_periodes AS per ON f.annee BETWEEN year(per.debut) AND year(per.fin)
    JOIN ind_action_perimetres AS ap USING (code_action)
    GROUP BY ALL
),
par_perimetre AS (
    SELECT periode, perimetre_type, perimetre_code,
        CAST(sum(montant) AS DOUBLE) AS total,
        CAST(sum(cpo) AS DOUBLE) AS part_pluriannuel,
        CAST(coalesce(sum(montant) FILTER (financeur = 'etat_bop147'), 0) AS DOUBLE)
            AS part_credits_specifiques,
        CAST(max(montant) AS DOUBLE) AS part_premier_financeur,
        CAST(sum(securise) AS DOUBLE) AS part_financement_securise_n1
    FROM par_financeur
    GROUP BY ALL
)
SELECT 'financement_total', periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    total, NULL
FROM par_perimetre
UNION ALL
SELECT 'financement_total', periode, perimetre_type, perimetre_code, 'financeur', financeur,
    CAST(montant AS DOUBLE), NULL
FROM par_financeur
UNION ALL
SELECT code_indicateur, periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    numerateur, total
FROM (
    UNPIVOT par_perimetre
    ON part_pluriannuel, part_credits_specifiques, part_premier_financeur,
        part_financement_securise_n1
    INTO NAME code_indicateur VALUE numerateur
);
