-- The managers' dashboard is cached in each web process until its numbers change. They change
-- only when the rollups do (dashboard_rollups): a NOTIFY on galley_dashboard after any statement
-- that really changed a row of them lets every web process (one LISTEN each, with the live run
-- events) drop its cached dashboards at once, instead of recomputing them every few seconds.
-- Statement-level: a bulk load of a million test results is one notification, and PostgreSQL
-- folds identical notifications of a transaction into one. A statement that touched no row (the
-- run rollup's upsert for a run that is not finished yet) sends nothing.
CREATE FUNCTION galley_notify_dashboard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed_rows) THEN
    PERFORM pg_notify('galley_dashboard', '');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER pipeline_day_stats_notify_insert AFTER INSERT ON pipeline_day_stats REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_dashboard();
CREATE TRIGGER pipeline_day_stats_notify_update AFTER UPDATE ON pipeline_day_stats REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_dashboard();
CREATE TRIGGER pipeline_day_stats_notify_delete AFTER DELETE ON pipeline_day_stats REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_dashboard();
CREATE TRIGGER pipeline_stats_notify_insert AFTER INSERT ON pipeline_stats REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_dashboard();
CREATE TRIGGER pipeline_stats_notify_update AFTER UPDATE ON pipeline_stats REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_dashboard();
CREATE TRIGGER pipeline_stats_notify_delete AFTER DELETE ON pipeline_stats REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_dashboard();
CREATE TRIGGER test_stats_notify_insert AFTER INSERT ON test_stats REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_dashboard();
CREATE TRIGGER test_stats_notify_update AFTER UPDATE ON test_stats REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_dashboard();
CREATE TRIGGER test_stats_notify_delete AFTER DELETE ON test_stats REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_dashboard();
