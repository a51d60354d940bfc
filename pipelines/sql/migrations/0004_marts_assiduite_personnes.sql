-- (v2) Distinct people behind the sessions of each taux_assiduite row, kept next to
-- marts.indicateurs for the confidentiality rule of data contract section 5 (an attendance
-- rate resting on 1 to seuil_secret - 1 people is secret). Filled by
-- indicators/sql/assiduite.sql in the same transaction as marts.indicateurs; a row without
-- sessions is absent (0 people).
CREATE TABLE IF NOT EXISTS marts.assiduite_personnes (
    code_indicateur VARCHAR NOT NULL, periode VARCHAR NOT NULL,
    perimetre_type VARCHAR NOT NULL, perimetre_code VARCHAR NOT NULL,
    ventilation VARCHAR NOT NULL, modalite VARCHAR NOT NULL, personnes BIGINT NOT NULL
);
