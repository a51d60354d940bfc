-- An enrolment that starts before its action's date_debut or ends after its date_fin
-- (ref.actions). The row stays in staging and counts like the others.
INSERT INTO staging.cross_file_warnings (file_id, row_number, colonne, valeur, regle, message)
SELECT
    p.file_id,
    p.row_number,
    'date_entree',
    strftime(p.date_entree, '%d/%m/%Y'),
    'entree_avant_debut_action',
    'Date d''entrée antérieure au début de l''action ' || p.code_action || ' ('
        || strftime(a.date_debut, '%d/%m/%Y') || ').'
FROM staging.participants AS p
JOIN ref.actions AS a USING (code_action)
WHERE in_build_scope(p.code_action) AND p.date_entree < a.date_debut;

INSERT INTO staging.cross_file_warnings (file_id, row_number, colonne, valeur, regle, message)
SELECT
    p.file_id,
    p.row_number,
    'date_sortie',
    strftime(p.date_sortie, '%d/%m/%Y'),
    'sortie_apres_fin_action',
    'Date de sortie postérieure à la fin de l''action ' || p.code_action || ' ('
        || strftime(a.date_fin, '%d/%m/%Y') || ').'
FROM staging.participants AS p
JOIN ref.actions AS a USING (code_action)
WHERE in_build_scope(p.code_action) AND p.date_sortie > a.date_fin;
