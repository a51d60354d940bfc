-- Migration 0003: target tracking as published, statistical secrecy applied once
-- (pipelines/publish/sql/cibles_publiees.sql fills it; the site reads only this table).
CREATE TABLE marts.cibles_publiees (
    code_indicateur VARCHAR NOT NULL, perimetre_type VARCHAR NOT NULL,
    perimetre_code VARCHAR NOT NULL, periode VARCHAR NOT NULL,
    annee_reference INTEGER, valeur_reference DOUBLE, annee_cible INTEGER, valeur_cible DOUBLE,
    sens VARCHAR, valeur_attendue DOUBLE,
    valeur_atteinte DOUBLE,               -- NULL when secret
    statut VARCHAR,                       -- NULL when secret: it tells where the value lies
    periode_valeur VARCHAR,               -- the period the value reached was read on
    secret BOOLEAN NOT NULL               -- the cell it was read on is not published
);
