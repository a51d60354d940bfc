-- taux_assiduite: sessions dated in the period with presence = present / all of them
-- (an excused absence counts as not attended). The session's action gives its scopes.
-- Sessions are first counted per (action, day), a few thousand rows, then placed in periods
-- and rolled up to scopes: the big table is read once.
INSERT INTO ind_valeurs
WITH par_jour AS (
    SELECT code_action, date_seance, count(*) AS seances,
        count(*) FILTER (presence = 'present') AS presentes
    FROM staging.seances
    GROUP BY ALL
)
SELECT 'taux_assiduite', per.periode, ap.perimetre_type, ap.perimetre_code,
    'ensemble', 'ensemble', sum(j.presentes), sum(j.seances)
FROM par_jour AS j
JOIN ind_periodes AS per ON j.date_seance BETWEEN per.debut AND per.fin
JOIN ind_action_perimetres AS ap USING (code_action)
GROUP BY ALL;
