-- (v2) part_conventions_pluriannuelles: share of funding agreements, counted, under
-- pluriannuelle_cpo. An agreement is (code_action, financeur, type_convention, date_debut);
-- it belongs to a period when one of its funding lines has its annee in the period's years
-- (as for financement_total), so a multi-year agreement restated every year counts once in
-- cumul. It reaches the scopes of its action (action, partner, pilier, contract).
INSERT INTO ind_valeurs
WITH conventions AS (
    SELECT DISTINCT per.periode, f.code_action, f.financeur, f.type_convention, f.date_debut
    FROM staging.financements AS f
    JOIN ind_periodes AS per ON f.annee BETWEEN year(per.debut) AND year(per.fin)
)
SELECT 'part_conventions_pluriannuelles', c.periode, ap.perimetre_type, ap.perimetre_code,
    'ensemble', 'ensemble', count(*) FILTER (c.type_convention = 'pluriannuelle_cpo'),
    count(*)
FROM conventions AS c
JOIN ind_action_perimetres AS ap USING (code_action)
GROUP BY ALL;
