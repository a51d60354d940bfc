-- Cross-file warnings depend on every file in force: recomputed from scratch each time.
-- Their rule codes are reserved to this stage (the file parser never uses them).
DELETE FROM ingest.warnings
WHERE regle IN ('seance_sans_inscription', 'entree_avant_debut_action', 'sortie_apres_fin_action');
