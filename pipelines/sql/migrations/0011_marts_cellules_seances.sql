-- (issue 12) The sessions' cells of taux_assiduite (indicators/session_cells.py), kept per
-- action from one computation to the next: after a partial build of the rows in force only
-- the rebuilt actions' cells are computed again from the 25 M sessions of a big city.
CREATE TABLE IF NOT EXISTS marts.cellules_seances (
    code_action VARCHAR, annee BIGINT, residence VARCHAR, dans_contrat BOOLEAN, seau UBIGINT,
    seances BIGINT, presentes BIGINT, premier VARCHAR, dernier VARCHAR
);
