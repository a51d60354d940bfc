-- Migration 0005 (data contract v2, section 6): reporting calendar, reception dates, report
-- completeness and provisional periods. Calendar settings sit beside ref.contrat and
-- ref.partenaires (whose v1 columns stay as they are); indicators/sql/completude.sql fills
-- marts.completude, indicators/sql/95_periodes.sql marts.periodes.
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
    attendu BOOLEAN NOT NULL,             -- expected by the calendar (FALSE: non_attendu)
    date_limite DATE, date_reception DATE,
    statut VARCHAR NOT NULL,              -- recu_a_temps | recu_en_retard | refuse | manquant | attendu | non_attendu
    jours_retard INTEGER,                 -- days past date_limite: at reception, or at date_arrete
    file_id VARCHAR,                      -- file whose date_reception is shown (first accepted, or first refused)
    file_id_en_vigueur VARCHAR,           -- version in force, else the latest received (report link)
    PRIMARY KEY (code_partenaire, periode, type_fichier)
);
CREATE TABLE marts.periodes (
    periode VARCHAR PRIMARY KEY, debut DATE NOT NULL, fin DATE NOT NULL,
    provisoire BOOLEAN NOT NULL
);
