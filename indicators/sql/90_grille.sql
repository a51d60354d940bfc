-- Full grid (data contract sections 4-5): every indicator x period x scope of its catalogue
-- line x breakdown, whether or not data exist, then replaces marts.indicateurs.
-- ind_catalogue (loaded from indicators/registry.py) lists per indicator its scope types and
-- breakdowns (beyond 'ensemble' at contract scope only), its unit, whether it is a ratio
-- and its scale (100 for %, 1000 for per mille, 1 otherwise).
-- valeur: counts and financement_total = numerateur (0 without data, denominateur NULL);
-- ratios = numerateur * echelle / denominateur, NULL when the denominator is 0 or absent.
CREATE OR REPLACE TEMP TABLE ind_grille AS
SELECT c.code_indicateur, per.periode, s.perimetre_type, s.perimetre_code, c.ventilation,
    c.modalite, c.unite, c.est_ratio, c.echelle
FROM ind_catalogue AS c
JOIN ind_perimetres AS s USING (perimetre_type)
CROSS JOIN ind_periodes AS per;

DELETE FROM marts.indicateurs;

INSERT INTO marts.indicateurs
    (code_indicateur, periode, perimetre_type, perimetre_code, ventilation, modalite,
     valeur, numerateur, denominateur, unite)
WITH complete AS (
    SELECT g.*, coalesce(v.numerateur, 0) AS num,
        CASE WHEN g.est_ratio THEN coalesce(v.denominateur, 0) END AS den
    FROM ind_grille AS g
    LEFT JOIN ind_valeurs AS v
        USING (code_indicateur, periode, perimetre_type, perimetre_code, ventilation, modalite)
)
SELECT code_indicateur, periode, perimetre_type, perimetre_code, ventilation, modalite,
    CASE WHEN NOT est_ratio THEN num WHEN den <> 0 THEN num * echelle / den END,
    num, den, unite
FROM complete;
