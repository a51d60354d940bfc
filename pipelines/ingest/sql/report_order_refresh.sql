-- After a build of some actions only: the rows in force of the other actions take the
-- report_order of their file in the new ranking (a late report of an earlier period moves
-- every later report up by one); 02_inscriptions.sql compares it across actions.
UPDATE staging.participants AS s SET report_order = f.report_order
FROM report_files AS f
WHERE f.file_id = s.file_id AND s.report_order <> f.report_order;
UPDATE staging.financements AS s SET report_order = f.report_order
FROM report_files AS f
WHERE f.file_id = s.file_id AND s.report_order <> f.report_order;
