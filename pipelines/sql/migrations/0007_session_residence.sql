-- (issue 10) Each session in force carries the residence of its own enrolment (data
-- contract section 4: sessions take the attribute of their own enrolment), set when the
-- rows in force are built (pipelines/ingest/sql/seances_residences.sql), so that the
-- attendance indicators read it instead of joining 20 M sessions to the enrolments on every
-- computation. NULL: no enrolment of that person in that action.
ALTER TABLE staging.seances ADD COLUMN IF NOT EXISTS reside_qpv BOOLEAN;

-- The people behind an attendance row are counted exactly when the secrecy rule needs it
-- (fewer than seuil_secret people); above, `personnes` may be a lower bound (exact = false)
-- that is already at least seuil_secret. See indicators/sql/assiduite.sql.
ALTER TABLE marts.assiduite_personnes ADD COLUMN IF NOT EXISTS exact BOOLEAN DEFAULT TRUE;
