-- Exits: enrolments with date_sortie in the period, counted per enrolment (a person leaving
-- two actions makes two exits), each with the attributes of its own enrolment row.
-- taux_abandon, taux_sorties_positives, taux_emploi_durable: shares of those exits.
-- Positive motifs: emploi_durable, emploi_transition, formation_qualifiante,
-- creation_activite. taux_sorties_positives is also broken down by sexe, tranche_age
-- (age at entry of the exit's enrolment) and (v2) niveau_formation at contract scope; (v2)
-- the three rates are broken down by residence (qpv / hors_qpv of the exit's enrolment) at
-- contract and pilier scope.
INSERT INTO ind_valeurs
WITH par_action AS (
    SELECT per.periode, i.code_action, i.sexe, i.tranche_age, i.niveau_formation,
        CASE WHEN i.reside_qpv THEN 'qpv' ELSE 'hors_qpv' END AS residence,
        count(*) AS sorties,
        count(*) FILTER (i.motif_sortie = 'abandon') AS abandons,
        count(*) FILTER (i.motif_sortie IN ('emploi_durable', 'emploi_transition',
            'formation_qualifiante', 'creation_activite')) AS positives,
        count(*) FILTER (i.motif_sortie = 'emploi_durable') AS emplois_durables
    FROM ind_inscriptions AS i
    JOIN ind_periodes AS per ON i.date_sortie BETWEEN per.debut AND per.fin
    GROUP BY ALL
),
ensemble AS (
    SELECT p.periode, ap.perimetre_type, ap.perimetre_code,
        sum(p.sorties) AS sorties, sum(p.abandons) AS abandons,
        sum(p.positives) AS positives, sum(p.emplois_durables) AS emplois_durables
    FROM par_action AS p
    JOIN ind_action_perimetres AS ap USING (code_action)
    GROUP BY ALL
),
ventilees AS (
    SELECT p.periode, c.code AS perimetre_code, v.ventilation, v.modalite,
        sum(p.sorties) AS sorties, sum(p.positives) AS positives
    FROM par_action AS p
    CROSS JOIN ind_contrat AS c
    CROSS JOIN LATERAL (VALUES ('sexe', p.sexe), ('tranche_age', p.tranche_age),
                               ('niveau_formation', p.niveau_formation))
        AS v(ventilation, modalite)
    GROUP BY ALL
),
par_residence AS (
    SELECT p.periode, ap.perimetre_type, ap.perimetre_code, p.residence,
        sum(p.sorties) AS sorties, sum(p.abandons) AS abandons,
        sum(p.positives) AS positives, sum(p.emplois_durables) AS emplois_durables
    FROM par_action AS p
    JOIN ind_action_perimetres AS ap USING (code_action)
    WHERE ap.perimetre_type IN ('contrat', 'pilier')
    GROUP BY ALL
)
SELECT 'sorties', periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    sorties, NULL
FROM ensemble
UNION ALL
SELECT 'taux_abandon', periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    abandons, sorties
FROM ensemble
UNION ALL
SELECT 'taux_sorties_positives', periode, perimetre_type, perimetre_code, 'ensemble',
    'ensemble', positives, sorties
FROM ensemble
UNION ALL
SELECT 'taux_emploi_durable', periode, perimetre_type, perimetre_code, 'ensemble', 'ensemble',
    emplois_durables, sorties
FROM ensemble
UNION ALL
SELECT 'taux_sorties_positives', periode, 'contrat', perimetre_code, ventilation, modalite,
    positives, sorties
FROM ventilees
UNION ALL
SELECT 'taux_abandon', periode, perimetre_type, perimetre_code, 'residence', residence,
    abandons, sorties
FROM par_residence
UNION ALL
SELECT 'taux_sorties_positives', periode, perimetre_type, perimetre_code, 'residence',
    residence, positives, sorties
FROM par_residence
UNION ALL
SELECT 'taux_emploi_durable', periode, perimetre_type, perimetre_code, 'residence', residence,
    emplois_durables, sorties
FROM par_residence;
