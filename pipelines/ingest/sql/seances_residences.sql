-- Residence of a session (data contract section 4: a session takes the attribute of its own
-- enrolment): the person's enrolment in the session's action with the latest date_entree on
-- or before the session, else their first one there. Only enrolments of actions of
-- actions.csv count, as in the indicators. One row per (person, action) interval
-- [debut, fin): a pair whose enrolments agree on the residence has a single unbounded one;
-- 04_staging_seances.sql sets the sessions in force from it, fill_session_residences() too.
-- Only the actions in the build's scope (in_build_scope, pipelines/ingest/load.py).
-- (Key of staging.participants: one enrolment per person, action and date_entree.)
CREATE OR REPLACE TEMP VIEW seances_residences AS
WITH inscriptions AS (
    SELECT p.id_participant, p.code_action, p.date_entree, q.code_qpv IS NOT NULL AS qpv
    FROM staging.participants AS p
    SEMI JOIN ref.actions AS a ON a.code_action = p.code_action
    LEFT JOIN ref.qpv AS q ON q.code_qpv = p.code_qpv
    WHERE in_build_scope(p.code_action)
),
-- A pair's enrolments agree on the residence (nearly every pair: most have one enrolment):
-- one unbounded interval, with no window over the contract's enrolments.
paires AS (
    SELECT id_participant, code_action,
        bool_and(qpv) = bool_or(qpv) AS unique_residence, any_value(qpv) AS qpv
    FROM inscriptions
    GROUP BY ALL
),
bornes AS (
    SELECT i.id_participant, i.code_action, i.qpv,
        CASE WHEN row_number() OVER w = 1 THEN DATE '0001-01-01' ELSE i.date_entree END AS debut,
        coalesce(lead(i.date_entree) OVER w, DATE '9999-12-31') AS fin
    FROM inscriptions AS i
    SEMI JOIN paires AS p
        ON p.id_participant = i.id_participant AND p.code_action = i.code_action
        AND NOT p.unique_residence
    WINDOW w AS (PARTITION BY i.id_participant, i.code_action ORDER BY i.date_entree)
)
SELECT id_participant, code_action, qpv, debut, fin
FROM bornes
UNION ALL
SELECT id_participant, code_action, qpv, DATE '0001-01-01', DATE '9999-12-31'
FROM paires
WHERE unique_residence;
