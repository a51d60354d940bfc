/*
marts.cibles_publiees: marts.cibles_suivi under the statistical secrecy of
marts.indicateurs_publies, applied by key, never by matching values.

The value reached of a target row was read on one cell: the 'ensemble' row of the
indicator at the target's scope for periode_valeur (the year itself for a year row; (v2) the
latest definitive year for 'mi_parcours', none without one). When that cell is secret, or not
published at all, the value reached and the status are hidden (secret = true). The target,
its reference and the expected value come from cibles.csv and the straight trajectory:
they reveal nothing about partner data and stay shown.
*/
DELETE FROM marts.cibles_publiees;

INSERT INTO marts.cibles_publiees
SELECT
    c.code_indicateur, c.perimetre_type, c.perimetre_code, c.periode,
    c.annee_reference, c.valeur_reference, c.annee_cible, c.valeur_cible, c.sens,
    c.valeur_attendue,
    CASE WHEN hidden THEN NULL ELSE c.valeur_atteinte END AS valeur_atteinte,
    CASE WHEN hidden THEN NULL ELSE c.statut END AS statut,
    c.periode_valeur,
    hidden AS secret
FROM (
    SELECT c.*,
           c.valeur_atteinte IS NOT NULL AND coalesce(p.secret, true) AS hidden
    FROM marts.cibles_suivi AS c
    LEFT JOIN marts.indicateurs_publies AS p
      ON p.code_indicateur = c.code_indicateur
     AND p.perimetre_type = c.perimetre_type
     AND p.perimetre_code = c.perimetre_code
     AND p.periode = c.periode_valeur
     AND p.ventilation = 'ensemble' AND p.modalite = 'ensemble'
) AS c;
