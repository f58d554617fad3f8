-- Runs lists are cached in each web process until they change: NOTIFY galley_kitchen_runs with
-- the Kitchen's id whenever what a list shows of its runs changes (a run added, changed or
-- deleted, a node added or its status changed). Statement-level, one notification per Kitchen per
-- statement. A node's log lines and outputs do not concern the list: its status only.
CREATE FUNCTION galley_notify_kitchen_runs_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('galley_kitchen_runs', k) FROM (SELECT DISTINCT kitchen_id::text AS k FROM new_rows) s;
  RETURN NULL;
END $$;

CREATE FUNCTION galley_notify_kitchen_runs_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('galley_kitchen_runs', k) FROM (SELECT DISTINCT kitchen_id::text AS k FROM old_rows) s;
  RETURN NULL;
END $$;

CREATE FUNCTION galley_notify_kitchen_runs_nodes_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('galley_kitchen_runs', k)
  FROM (SELECT DISTINCT r.kitchen_id::text AS k FROM (SELECT DISTINCT run_id FROM new_rows) n JOIN runs r ON r.id = n.run_id) s;
  RETURN NULL;
END $$;

CREATE FUNCTION galley_notify_kitchen_runs_nodes_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('galley_kitchen_runs', k)
  FROM (SELECT DISTINCT r.kitchen_id::text AS k
        FROM (SELECT DISTINCT n.run_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.status IS DISTINCT FROM n.status) c
        JOIN runs r ON r.id = c.run_id) s;
  RETURN NULL;
END $$;

CREATE TRIGGER runs_list_notify_insert AFTER INSERT ON runs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_kitchen_runs_new();
CREATE TRIGGER runs_list_notify_update AFTER UPDATE ON runs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_kitchen_runs_new();
CREATE TRIGGER runs_list_notify_delete AFTER DELETE ON runs REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_kitchen_runs_old();
CREATE TRIGGER node_runs_list_notify_insert AFTER INSERT ON node_runs REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_kitchen_runs_nodes_new();
CREATE TRIGGER node_runs_list_notify_update AFTER UPDATE ON node_runs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION galley_notify_kitchen_runs_nodes_status();
