/*
Target tracking: marts.cibles_suivi, one row per target of ref.cibles (cibles.csv) and per
year period of marts.indicateurs, plus one 'mi_parcours' row (data contract section 4).

Expected value (valeur_attendue) at time t: straight line from (annee_reference,
valeur_reference) to (annee_cible, valeur_cible), clamped outside that range (before the
reference year: valeur_reference; after the target year: valeur_cible). Same years: valeur_cible.
  - year period 'YYYY': t = YYYY;
  - 'mi_parcours' (v2, compares like with like): t = the latest definitive year (not
    provisoire in marts.periodes; a year absent from it counts as definitive) that is not
    after the year of the contract's date_mi_parcours (no row when that date is empty).
Value reached (valeur_atteinte): the 'ensemble' value of the indicator at the target's scope
for periode_valeur = the year itself; for 'mi_parcours' that latest definitive year. When no
year is definitive, the 'mi_parcours' row has periode_valeur, valeur_attendue,
valeur_atteinte and statut empty: the pages say so instead of giving a status.
A status of a provisional year is shown as provisional (join periode_valeur to marts.periodes).
Status (statut), with better = higher for sens 'hausse', lower for 'baisse':
  - atteint        the value reached already meets the final target valeur_cible;
  - en_bonne_voie  it meets the expected value;
  - a_surveiller   it falls short of the expected value by at most 10 % of the distance
                   |valeur_cible - valeur_reference|;
  - en_retard      it falls short by more;
  - NULL           no value reached (empty rate, unknown scope) or sens outside hausse/baisse.
Comparisons tolerate a relative rounding error of 1e-9.
*/
-- Layout: pipelines/sql/migrations (marts.cibles_suivi).
DELETE FROM marts.cibles_suivi;

INSERT INTO marts.cibles_suivi
WITH annees AS (
    SELECT DISTINCT TRY_CAST(periode AS INTEGER) AS annee
    FROM marts.indicateurs
    WHERE TRY_CAST(periode AS INTEGER) IS NOT NULL
),
lectures AS (
    SELECT CAST(annee AS VARCHAR) AS periode, CAST(annee AS DOUBLE) AS t,
        CAST(annee AS VARCHAR) AS periode_valeur
    FROM annees
    UNION ALL
    SELECT 'mi_parcours', CAST(d.annee AS DOUBLE), CAST(d.annee AS VARCHAR)
    FROM ref.contrat AS c
    LEFT JOIN LATERAL (
        SELECT max(a.annee) AS annee
        FROM annees AS a
        LEFT JOIN marts.periodes AS p ON p.periode = CAST(a.annee AS VARCHAR)
        WHERE NOT coalesce(p.provisoire, FALSE) AND a.annee <= year(c.date_mi_parcours)
    ) AS d ON TRUE
    WHERE c.date_mi_parcours IS NOT NULL
),
suivi AS (
    SELECT c.code_indicateur, c.perimetre_type, c.perimetre_code, l.periode,
        c.annee_reference, c.valeur_reference, c.annee_cible, c.valeur_cible, c.sens,
        CASE
            WHEN l.t IS NULL THEN NULL  -- mid-term reading without a definitive year
            WHEN c.annee_cible = c.annee_reference THEN c.valeur_cible
            ELSE c.valeur_reference + (c.valeur_cible - c.valeur_reference)
                * (least(greatest(l.t, least(c.annee_reference, c.annee_cible)),
                         greatest(c.annee_reference, c.annee_cible)) - c.annee_reference)
                / (c.annee_cible - c.annee_reference)
        END AS valeur_attendue,
        v.valeur AS valeur_atteinte,
        l.periode_valeur,
        CASE c.sens WHEN 'hausse' THEN 1 WHEN 'baisse' THEN -1 END AS signe,
        1e-9 * greatest(1, abs(c.valeur_cible), abs(c.valeur_reference)) AS marge
    FROM ref.cibles AS c
    CROSS JOIN lectures AS l
    LEFT JOIN marts.indicateurs AS v
        ON v.code_indicateur = c.code_indicateur AND v.perimetre_type = c.perimetre_type
        AND v.perimetre_code = c.perimetre_code AND v.periode = l.periode_valeur
        AND v.ventilation = 'ensemble' AND v.modalite = 'ensemble'
)
SELECT code_indicateur, perimetre_type, perimetre_code, periode, annee_reference,
    valeur_reference, annee_cible, valeur_cible, sens, valeur_attendue, valeur_atteinte,
    CASE
        WHEN valeur_atteinte IS NULL OR signe IS NULL THEN NULL
        WHEN signe * (valeur_atteinte - valeur_cible) >= -marge THEN 'atteint'
        WHEN signe * (valeur_atteinte - valeur_attendue) >= -marge THEN 'en_bonne_voie'
        WHEN signe * (valeur_atteinte - valeur_attendue)
            >= -0.1 * abs(valeur_cible - valeur_reference) - marge THEN 'a_surveiller'
        ELSE 'en_retard'
    END AS statut,
    periode_valeur
FROM suivi;
