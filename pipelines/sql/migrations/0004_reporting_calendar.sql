-- Migration 0004 (data contract v2, section 6): reporting calendar, reception dates, report
-- completeness and provisional periods. Ready for the numbered migrations of the `base` work
-- (pipelines/warehouse.migrate()); until they are merged, pipelines/sql/schema.sql holds the
-- same DDL (idempotent form) and this file is not read. Renumber if 0004 is taken.
CREATE TABLE ref.calendrier (
    delai_remontee_jours INTEGER NOT NULL, date_arrete DATE NOT NULL
);
CREATE TABLE ref.rythmes (
    code_partenaire VARCHAR PRIMARY KEY, rythme_remontee VARCHAR NOT NULL  -- annuel | semestriel
);
ALTER TABLE ingest.files ADD COLUMN date_reception DATE;  -- Europe/Paris date of the mtime
CREATE TABLE marts.completude (
    code_partenaire VARCHAR NOT NULL, periode VARCHAR NOT NULL, type_fichier VARCHAR NOT NULL,
    debut DATE, fin DATE,
    attendu BOOLEAN NOT NULL,
    date_limite DATE, date_reception DATE,
    statut VARCHAR NOT NULL,
    jours_retard INTEGER,
    file_id VARCHAR,
    file_id_en_vigueur VARCHAR,
    PRIMARY KEY (code_partenaire, periode, type_fichier)
);
CREATE TABLE marts.periodes (
    periode VARCHAR PRIMARY KEY, debut DATE NOT NULL, fin DATE NOT NULL,
    provisoire BOOLEAN NOT NULL
);
