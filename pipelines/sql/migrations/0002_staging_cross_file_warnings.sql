-- Migration 0002: cross-file warnings belong to the staging stage that computes them (they
-- depend on every file in force), in their own table; ingest.warnings keeps a file's own.
-- staging.file_warnings lists every warning of a file as its validation report shows it;
-- staging.file_warning_counts is the one count of them that every output shows (validation
-- reports, site, asset metadata): one warning listed = one counted.
CREATE TABLE staging.cross_file_warnings (
    file_id VARCHAR NOT NULL, row_number INTEGER, colonne VARCHAR, valeur VARCHAR,
    regle VARCHAR NOT NULL, message VARCHAR NOT NULL
);

-- A v1 warehouse kept them in ingest.warnings: move them over.
INSERT INTO staging.cross_file_warnings
SELECT file_id, row_number, colonne, valeur, regle, message FROM ingest.warnings
WHERE regle IN ('seance_sans_inscription', 'entree_avant_debut_action', 'sortie_apres_fin_action');
DELETE FROM ingest.warnings
WHERE regle IN ('seance_sans_inscription', 'entree_avant_debut_action', 'sortie_apres_fin_action');

CREATE VIEW staging.file_warnings AS
SELECT file_id, row_number, colonne, valeur, regle, message, 'fichier' AS origine
FROM ingest.warnings
UNION ALL
SELECT file_id, row_number, colonne, valeur, regle, message, 'inter_fichiers' AS origine
FROM staging.cross_file_warnings;

CREATE VIEW staging.file_warning_counts AS
SELECT file_id, count(*) AS avertissements FROM staging.file_warnings GROUP BY file_id;
