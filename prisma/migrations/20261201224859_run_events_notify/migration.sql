-- Live run pages: every change to a run, its nodes or its logs NOTIFYs galley_run_events with the
-- run id, so a web process LISTENs once and refreshes only the runs that changed instead of each
-- open page polling. Statement-level with transition tables: one notification per run per
-- statement (and PostgreSQL folds identical ones in a transaction), whoever writes the row.
CREATE FUNCTION galley_notify_run_events_runs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('galley_run_events', r) FROM (SELECT DISTINCT id::text AS r FROM new_rows) s;
  RETURN NULL;
END $$;

CREATE FUNCTION galley_notify_run_events_nodes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('galley_run_events', r) FROM (SELECT DISTINCT run_id::text AS r FROM new_rows) s;
  RETURN NULL;
END $$;

CREATE FUNCTION galley_notify_run_events_logs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('galley_run_events', r)
  FROM (SELECT DISTINCT n.run_id::text AS r FROM (SELECT DISTINCT node_run_id FROM new_rows) l JOIN node_runs n ON n.id = l.node_run_id) s;
  RETURN NULL;
END $$;

CREATE TRIGGER runs_notify_update AFTER UPDATE ON runs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_run_events_runs();
CREATE TRIGGER node_runs_notify_insert AFTER INSERT ON node_runs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_run_events_nodes();
CREATE TRIGGER node_runs_notify_update AFTER UPDATE ON node_runs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_run_events_nodes();
CREATE TRIGGER node_logs_notify_insert AFTER INSERT ON node_logs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_run_events_logs();
