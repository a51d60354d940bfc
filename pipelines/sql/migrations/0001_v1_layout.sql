-- Migration 0001: the layout of v1 (commit aa35dd5), gathered from schema.sql and the
-- tables v1 created on the fly (ingest.staging_state, marts.cibles_suivi). Every statement is IF NOT EXISTS, so it is both the creation
-- of a new warehouse and a no-op on a warehouse written by v1, which has no version yet.
-- ref.*      reference files of the evaluation officer, replaced whole at each run
-- ingest.*   log of received files, their row rejections and warnings
-- raw.*      accepted rows of every parsed file (kept for every version, with provenance)
-- staging.*  the rows in force: latest report wins per key (rebuilt from raw.* + ingest.files)
-- marts.*    indicators and targets
CREATE SCHEMA IF NOT EXISTS ref;
CREATE SCHEMA IF NOT EXISTS ingest;
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS marts;

CREATE TABLE IF NOT EXISTS ref.contrat (
    code VARCHAR NOT NULL, libelle VARCHAR, date_debut DATE NOT NULL, date_fin DATE NOT NULL,
    date_mi_parcours DATE, seuil_secret INTEGER NOT NULL DEFAULT 5
);
CREATE TABLE IF NOT EXISTS ref.actions (
    code_action VARCHAR PRIMARY KEY, libelle VARCHAR, code_partenaire VARCHAR NOT NULL,
    pilier VARCHAR NOT NULL, type_action VARCHAR, date_debut DATE, date_fin DATE
);
CREATE TABLE IF NOT EXISTS ref.partenaires (code_partenaire VARCHAR PRIMARY KEY, nom VARCHAR);
CREATE TABLE IF NOT EXISTS ref.qpv (
    code_qpv VARCHAR PRIMARY KEY, nom VARCHAR, commune VARCHAR, population INTEGER
);
CREATE TABLE IF NOT EXISTS ref.cibles (
    code_indicateur VARCHAR NOT NULL, perimetre_type VARCHAR NOT NULL, perimetre_code VARCHAR NOT NULL,
    annee_reference INTEGER NOT NULL, valeur_reference DOUBLE NOT NULL,
    annee_cible INTEGER NOT NULL, valeur_cible DOUBLE NOT NULL, sens VARCHAR NOT NULL
);

-- One row per received file version (a slot = partner, periode, kind).
CREATE TABLE IF NOT EXISTS ingest.files (
    file_id VARCHAR PRIMARY KEY,          -- <arrival_seq>-<sha256[:12]>, see pipelines/ingest/registry.py
    sha256 VARCHAR NOT NULL,
    source_path VARCHAR NOT NULL,         -- relative to incoming/
    archive_path VARCHAR NOT NULL,        -- relative to archive/
    code_partenaire VARCHAR, periode VARCHAR, periode_rang INTEGER, kind VARCHAR,
    size_bytes BIGINT, mtime TIMESTAMP, received_at TIMESTAMP NOT NULL,
    arrival_seq BIGINT NOT NULL,          -- order of arrival; ties broken by mtime then name
    run_id VARCHAR,
    status VARCHAR NOT NULL,              -- accepte | refuse | identique (same sha256 as the version in force)
    in_force BOOLEAN NOT NULL DEFAULT FALSE,
    encoding VARCHAR, header_row INTEGER,
    rows_read INTEGER DEFAULT 0, rows_accepted INTEGER DEFAULT 0, rows_rejected INTEGER DEFAULT 0,
    rows_ignored INTEGER DEFAULT 0, rows_warned INTEGER DEFAULT 0,
    message VARCHAR,                      -- French, for a refusal
    refusal_rule VARCHAR                  -- rule code of a refusal (e.g. colonne_manquante)
);
CREATE TABLE IF NOT EXISTS ingest.rejections (
    file_id VARCHAR NOT NULL, row_number INTEGER, colonne VARCHAR, valeur VARCHAR,
    regle VARCHAR NOT NULL, message VARCHAR NOT NULL
);
-- severity: 'avertissement' (row kept) ; dropped optional values are warnings too
CREATE TABLE IF NOT EXISTS ingest.warnings (
    file_id VARCHAR NOT NULL, row_number INTEGER, colonne VARCHAR, valeur VARCHAR,
    regle VARCHAR NOT NULL, message VARCHAR NOT NULL
);

-- Accepted rows, every version. Provenance: file_id + row_number (as the partner sees it).
CREATE TABLE IF NOT EXISTS raw.participants (
    file_id VARCHAR NOT NULL, row_number INTEGER NOT NULL,
    id_participant VARCHAR NOT NULL, code_action VARCHAR NOT NULL, date_entree DATE NOT NULL,
    date_sortie DATE, motif_sortie VARCHAR, sexe VARCHAR NOT NULL, annee_naissance INTEGER NOT NULL,
    code_qpv VARCHAR NOT NULL, niveau_formation VARCHAR NOT NULL, inscrit_france_travail BOOLEAN NOT NULL,
    freins VARCHAR,                       -- normalised codes joined by ';' (NULL when none)
    prescripteur VARCHAR
);
CREATE TABLE IF NOT EXISTS raw.seances (
    file_id VARCHAR NOT NULL, row_number INTEGER NOT NULL,
    id_participant VARCHAR NOT NULL, code_action VARCHAR NOT NULL, date_seance DATE NOT NULL,
    presence VARCHAR NOT NULL              -- present | absent | excuse
);
CREATE TABLE IF NOT EXISTS raw.financements (
    file_id VARCHAR NOT NULL, row_number INTEGER NOT NULL,
    code_action VARCHAR NOT NULL, annee INTEGER NOT NULL, financeur VARCHAR NOT NULL,
    montant_accorde DECIMAL(18, 2) NOT NULL, type_convention VARCHAR NOT NULL,
    date_debut DATE NOT NULL, date_fin DATE NOT NULL
);

-- Fingerprint of the inputs of the last staging build (pipelines/ingest/load.py).
CREATE TABLE IF NOT EXISTS ingest.staging_state (inputs VARCHAR, built_at TIMESTAMP);

-- Rows in force, rebuilt each run from raw.* (latest report wins per key).
-- Provenance columns: code_partenaire (submitting partner), periode, periode_rang (2025-S1 < 2025-S2
-- < 2025 < 2026-S1), report_order (higher = more recent report: periode_rang, then arrival),
-- file_id, row_number.
CREATE TABLE IF NOT EXISTS staging.participants AS
    SELECT *, ''::VARCHAR AS code_partenaire, ''::VARCHAR AS periode, 0 AS periode_rang,
           0::BIGINT AS report_order
    FROM raw.participants WHERE false;
CREATE TABLE IF NOT EXISTS staging.seances AS
    SELECT *, ''::VARCHAR AS code_partenaire, ''::VARCHAR AS periode, 0 AS periode_rang,
           0::BIGINT AS report_order
    FROM raw.seances WHERE false;
CREATE TABLE IF NOT EXISTS staging.financements AS
    SELECT *, ''::VARCHAR AS code_partenaire, ''::VARCHAR AS periode, 0 AS periode_rang,
           0::BIGINT AS report_order
    FROM raw.financements WHERE false;

-- Exact indicator values (data contract section 5).
CREATE TABLE IF NOT EXISTS marts.indicateurs (
    code_indicateur VARCHAR NOT NULL, periode VARCHAR NOT NULL,
    perimetre_type VARCHAR NOT NULL, perimetre_code VARCHAR NOT NULL,
    ventilation VARCHAR NOT NULL, modalite VARCHAR NOT NULL,
    valeur DOUBLE, numerateur DOUBLE, denominateur DOUBLE, unite VARCHAR NOT NULL,
    PRIMARY KEY (code_indicateur, periode, perimetre_type, perimetre_code, ventilation, modalite)
);

-- Target tracking (indicators/sql/cibles.sql fills it).
CREATE TABLE IF NOT EXISTS marts.cibles_suivi (
    code_indicateur VARCHAR NOT NULL, perimetre_type VARCHAR NOT NULL,
    perimetre_code VARCHAR NOT NULL, periode VARCHAR NOT NULL,
    annee_reference INTEGER, valeur_reference DOUBLE, annee_cible INTEGER, valeur_cible DOUBLE,
    sens VARCHAR, valeur_attendue DOUBLE, valeur_atteinte DOUBLE, statut VARCHAR,
    periode_valeur VARCHAR
);
