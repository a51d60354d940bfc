-- (issue 12) The values of the indicator families computed from the enrolments only
-- (indicators/people_values.py): kept from one computation to the next, so that a run
-- whose enrolments, periods, scopes and reference did not change (a resubmitted sessions
-- or funding file) reads them instead of computing them again. Same columns as the
-- computation's ind_valeurs.
CREATE TABLE IF NOT EXISTS marts.valeurs_personnes (
    code_indicateur VARCHAR, periode VARCHAR, perimetre_type VARCHAR, perimetre_code VARCHAR,
    ventilation VARCHAR, modalite VARCHAR, numerateur DOUBLE, denominateur DOUBLE
);
