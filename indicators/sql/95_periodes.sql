-- (v2) marts.periodes (data contract section 6): one row per periode of marts.indicateurs with
-- its bounds and provisional flag. A year is provisional when an expected report of a period
-- inside it (YYYY, YYYY-S1, YYYY-S2) has status attendu, manquant or refuse (marts.completude,
-- built before the indicators); 'cumul' is provisional when any year of the table is.
DELETE FROM marts.periodes;

INSERT INTO marts.periodes
WITH annees AS (
    SELECT p.periode, p.debut, p.fin, EXISTS (
        SELECT 1 FROM marts.completude AS c
        WHERE c.attendu AND c.statut IN ('attendu', 'manquant', 'refuse')
            AND year(c.debut) = p.annee_fin
    ) AS provisoire
    FROM ind_periodes AS p
    WHERE p.annuelle
)
SELECT periode, debut, fin, provisoire FROM annees
UNION ALL
SELECT p.periode, p.debut, p.fin, coalesce((SELECT bool_or(provisoire) FROM annees), FALSE)
FROM ind_periodes AS p
WHERE NOT p.annuelle;
