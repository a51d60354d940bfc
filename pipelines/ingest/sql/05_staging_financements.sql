-- Funding lines in force: per key (code_action, annee, financeur, type_convention,
-- date_debut) the most recent report wins.
DELETE FROM staging.financements WHERE in_build_scope(code_action);
INSERT INTO staging.financements BY NAME
SELECT r.*, f.code_partenaire, f.periode, f.periode_rang, f.report_order
FROM raw.financements AS r
JOIN report_files AS f USING (file_id)
WHERE in_build_scope(r.code_action)
QUALIFY row_number() OVER (
    PARTITION BY r.code_action, r.annee, r.financeur, r.type_convention, r.date_debut
    ORDER BY rang_en_vigueur(f.report_order, r.row_number) DESC
) = 1;
