-- (v2) Report completeness indicators (data contract section 4), scopes contrat and
-- partenaire, every period: among the expected reports of marts.completude whose statut is
-- not 'attendu' and whose period lies in the year (for 'cumul': all of them),
--   taux_remontee          numerateur = received (recu_a_temps or recu_en_retard);
--   taux_remontee_a_temps  numerateur = recu_a_temps;
-- denominateur = those expected reports. Not secret (registry secret_base 'none').
INSERT INTO ind_valeurs
WITH dus AS (
    SELECT c.code_partenaire, year(c.debut) AS annee,
        c.statut IN ('recu_a_temps', 'recu_en_retard') AS recu,
        c.statut = 'recu_a_temps' AS a_temps
    FROM marts.completude AS c
    WHERE c.attendu AND c.statut <> 'attendu'
),
par_periode AS (
    SELECT p.periode, d.*
    FROM ind_periodes AS p
    JOIN dus AS d ON NOT p.annuelle OR d.annee = p.annee_fin
),
par_perimetre AS (
    SELECT periode, 'contrat' AS perimetre_type, (SELECT code FROM ind_contrat) AS perimetre_code,
        recu, a_temps
    FROM par_periode
    UNION ALL
    SELECT periode, 'partenaire', code_partenaire, recu, a_temps
    FROM par_periode
)
SELECT k.code, periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    count(*) FILTER (WHERE CASE k.code WHEN 'taux_remontee' THEN recu ELSE a_temps END),
    count(*)
FROM par_perimetre
CROSS JOIN (VALUES ('taux_remontee'), ('taux_remontee_a_temps')) AS k(code)
GROUP BY k.code, periode, perimetre_type, perimetre_code;
