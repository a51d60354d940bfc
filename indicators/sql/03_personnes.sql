-- People per period and scope, counted once (data contract section 4).
-- For each (period, scope, person) the chosen enrolment is the person's active enrolment in
-- that scope with the latest date_entree, ties: most recent report (higher report_order),
-- then smallest code_action (lower rang_action). Its attributes describe the person there.
-- The qpv scope takes the people of the contract scope grouped by the code_qpv of their
-- contract-level chosen enrolment (with that enrolment's other attributes).
-- New entrants: a person entered the scope in the period iff the chosen enrolment's
-- date_entree >= period start. Same as applying the rule to the enrolments entering in the
-- period: an enrolment entering in the period is active in it, so the latest active one
-- entered then too. Thus entrants get the attributes (and qpv) of their latest entry.
-- Result: a small cube of head counts, never person rows.
CREATE OR REPLACE TEMP TABLE ind_personnes AS
WITH actives AS (
    SELECT per.periode, per.debut, i.*
    FROM ind_inscriptions AS i
    JOIN ind_periodes AS per
        ON i.date_entree <= per.fin AND (i.date_sortie IS NULL OR i.date_sortie >= per.debut)
),
retenues AS (
    SELECT a.periode, a.debut, ap.perimetre_type, ap.perimetre_code,
        arg_max(
            {'date_entree': a.date_entree, 'sexe': a.sexe, 'tranche_age': a.tranche_age,
             'code_qpv': a.code_qpv, 'reside_qpv': a.reside_qpv, 'infra_bac': a.infra_bac,
             'non_inscrit_ft': a.non_inscrit_ft},
            {'date_entree': a.date_entree, 'report_order': a.report_order,
             'rang_action': -a.rang_action}
        ) AS r
    FROM actives AS a
    JOIN ind_action_perimetres AS ap USING (code_action)
    GROUP BY a.periode, a.debut, ap.perimetre_type, ap.perimetre_code, a.id_participant
),
cube AS (
    SELECT periode, perimetre_type, perimetre_code, r.sexe, r.tranche_age, r.code_qpv,
        r.reside_qpv, r.infra_bac, r.non_inscrit_ft, r.date_entree >= debut AS entrant,
        count(*) AS personnes
    FROM retenues
    GROUP BY ALL
)
SELECT * FROM cube
UNION ALL
SELECT periode, 'qpv', code_qpv, sexe, tranche_age, code_qpv, reside_qpv, infra_bac,
    non_inscrit_ft, entrant, personnes
FROM cube
WHERE perimetre_type = 'contrat' AND reside_qpv;
