-- Pre-aggregations of the managers' dashboard (issue 8). The dashboard must answer in tens of
-- milliseconds over 100,000 runs and 1,000,000 test results, so it never scans those tables:
-- it reads one row per Kitchen, pipeline and day, and one row per Kitchen and pipeline.
-- They are maintained ON WRITE by statement-level triggers (transition tables), so every writer
-- (the worker's run lifecycle, the demo seed's bulk insert, a benchmark's generate_series, a
-- future importer) keeps them exact without a code path it could forget, and a bulk INSERT of a
-- million rows costs one aggregate, not a million upserts. Each change adds the new rows'
-- contribution and subtracts the old rows', so any status transition (even terminal to terminal)
-- and deletes stay exact.

-- Runs and test verdicts per Kitchen, pipeline and UTC day of the run's (result's) creation.
CREATE TABLE "pipeline_day_stats" (
  "kitchen_id"      UUID NOT NULL,
  "pipeline"        TEXT NOT NULL,
  "day"             DATE NOT NULL,
  "succeeded"       INTEGER NOT NULL DEFAULT 0,
  -- succeeded runs where `warn` tests tripped ("succeeded with warnings"); also counted in succeeded
  "warned"          INTEGER NOT NULL DEFAULT 0,
  "failed"          INTEGER NOT NULL DEFAULT 0,
  "cancelled"       INTEGER NOT NULL DEFAULT 0,
  -- finished runs that started: sum and count of (finished_at - started_at)
  "duration_ms_sum" BIGINT NOT NULL DEFAULT 0,
  "duration_count"  INTEGER NOT NULL DEFAULT 0,
  "tests_passed"    INTEGER NOT NULL DEFAULT 0,
  "tests_warned"    INTEGER NOT NULL DEFAULT 0,
  "tests_failed"    INTEGER NOT NULL DEFAULT 0,
  "tests_error"     INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT "pipeline_day_stats_pkey" PRIMARY KEY ("kitchen_id", "pipeline", "day"),
  CONSTRAINT "pipeline_day_stats_kitchen_id_fkey" FOREIGN KEY ("kitchen_id") REFERENCES "kitchens"("id") ON DELETE CASCADE
);
CREATE INDEX "pipeline_day_stats_day_idx" ON "pipeline_day_stats" ("day");

-- The newest run of each Kitchen and pipeline, and when the pipeline last succeeded (freshness).
CREATE TABLE "pipeline_stats" (
  "kitchen_id"           UUID NOT NULL,
  "pipeline"             TEXT NOT NULL,
  "last_run_id"          UUID NOT NULL,
  "last_run_status"      TEXT NOT NULL,
  "last_run_warnings"    INTEGER NOT NULL DEFAULT 0,
  "last_run_at"          TIMESTAMPTZ(3) NOT NULL,
  "last_run_started_at"  TIMESTAMPTZ(3),
  "last_run_finished_at" TIMESTAMPTZ(3),
  "last_success_at"      TIMESTAMPTZ(3),
  CONSTRAINT "pipeline_stats_pkey" PRIMARY KEY ("kitchen_id", "pipeline"),
  CONSTRAINT "pipeline_stats_kitchen_id_fkey" FOREIGN KEY ("kitchen_id") REFERENCES "kitchens"("id") ON DELETE CASCADE
);

-- The newest result of each test (the dashboard's list of tests and their state).
CREATE TABLE "test_stats" (
  "kitchen_id"     UUID NOT NULL,
  "pipeline"       TEXT NOT NULL,
  "node"           TEXT NOT NULL,
  "test_name"      TEXT NOT NULL,
  "last_result_id" UUID NOT NULL,
  "last_run_id"    UUID NOT NULL,
  "kind"           TEXT NOT NULL,
  "level"          TEXT NOT NULL,
  "verdict"        TEXT NOT NULL,
  "value"          DOUBLE PRECISION,
  "rule"           TEXT,
  "last_at"        TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "test_stats_pkey" PRIMARY KEY ("kitchen_id", "pipeline", "node", "test_name"),
  CONSTRAINT "test_stats_kitchen_id_fkey" FOREIGN KEY ("kitchen_id") REFERENCES "kitchens"("id") ON DELETE CASCADE
);

-- A terminal run's contribution to its day, signed: +1 for new rows, -1 for old ones. The
-- transition tables (new_rows, old_rows) are visible to EXECUTE, so one function serves all
-- three events; an UPDATE only counts rows whose counted facts changed.
CREATE FUNCTION "galley_rollup_runs"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  changed CONSTANT TEXT := '(o.kitchen_id, o.pipeline, o.created_at, o.status, o.warnings, o.started_at, o.finished_at)
    IS DISTINCT FROM (n.kitchen_id, n.pipeline, n.created_at, n.status, n.warnings, n.started_at, n.finished_at)';
  src TEXT;
BEGIN
  src := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT n.*, 1 AS sign FROM new_rows n'
    WHEN 'DELETE' THEN 'SELECT o.*, -1 AS sign FROM old_rows o'
    ELSE 'SELECT n.*, 1 AS sign FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE ' || changed ||
      ' UNION ALL SELECT o.*, -1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE ' || changed
  END;
  -- ORDER BY the key: concurrent statements lock rollup rows in the same order (no deadlocks).
  EXECUTE format($q$
    INSERT INTO pipeline_day_stats AS s (kitchen_id, pipeline, day, succeeded, warned, failed, cancelled, duration_ms_sum, duration_count)
    SELECT d.kitchen_id, d.pipeline, (d.created_at AT TIME ZONE 'UTC')::date,
      coalesce(sum(d.sign) FILTER (WHERE d.status = 'succeeded'), 0),
      coalesce(sum(d.sign) FILTER (WHERE d.status = 'succeeded' AND d.warnings > 0), 0),
      coalesce(sum(d.sign) FILTER (WHERE d.status = 'failed'), 0),
      coalesce(sum(d.sign) FILTER (WHERE d.status = 'cancelled'), 0),
      coalesce(sum(d.sign * round(extract(epoch FROM d.finished_at - d.started_at) * 1000)) FILTER (WHERE d.started_at IS NOT NULL AND d.finished_at IS NOT NULL), 0),
      coalesce(sum(d.sign) FILTER (WHERE d.started_at IS NOT NULL AND d.finished_at IS NOT NULL), 0)
    FROM (%s) d
    WHERE d.status IN ('succeeded', 'failed', 'cancelled')
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (kitchen_id, pipeline, day) DO UPDATE SET
      succeeded = s.succeeded + excluded.succeeded,
      warned = s.warned + excluded.warned,
      failed = s.failed + excluded.failed,
      cancelled = s.cancelled + excluded.cancelled,
      duration_ms_sum = s.duration_ms_sum + excluded.duration_ms_sum,
      duration_count = s.duration_count + excluded.duration_count
  $q$, src);

  IF TG_OP = 'DELETE' THEN
    -- The newest run went away: fall back to the newest remaining one (rare: history is kept).
    DELETE FROM pipeline_stats p USING old_rows o WHERE p.last_run_id = o.id;
    INSERT INTO pipeline_stats (kitchen_id, pipeline, last_run_id, last_run_status, last_run_warnings, last_run_at, last_run_started_at, last_run_finished_at, last_success_at)
    SELECT DISTINCT ON (r.kitchen_id, r.pipeline) r.kitchen_id, r.pipeline, r.id, r.status, r.warnings, r.created_at, r.started_at, r.finished_at,
      (SELECT max(x.finished_at) FROM runs x WHERE x.kitchen_id = r.kitchen_id AND x.pipeline = r.pipeline AND x.status = 'succeeded')
    FROM runs r JOIN (SELECT DISTINCT kitchen_id, pipeline FROM old_rows) o ON o.kitchen_id = r.kitchen_id AND o.pipeline = r.pipeline
    ORDER BY r.kitchen_id, r.pipeline, r.created_at DESC, r.id DESC
    ON CONFLICT DO NOTHING;
    RETURN NULL;
  END IF;

  EXECUTE format($q$
    INSERT INTO pipeline_stats AS p (kitchen_id, pipeline, last_run_id, last_run_status, last_run_warnings, last_run_at, last_run_started_at, last_run_finished_at)
    SELECT DISTINCT ON (d.kitchen_id, d.pipeline) d.kitchen_id, d.pipeline, d.id, d.status, d.warnings, d.created_at, d.started_at, d.finished_at
    FROM (%s) d WHERE d.sign = 1
    ORDER BY d.kitchen_id, d.pipeline, d.created_at DESC, d.id DESC
    ON CONFLICT (kitchen_id, pipeline) DO UPDATE SET
      last_run_id = excluded.last_run_id, last_run_status = excluded.last_run_status, last_run_warnings = excluded.last_run_warnings,
      last_run_at = excluded.last_run_at, last_run_started_at = excluded.last_run_started_at, last_run_finished_at = excluded.last_run_finished_at
    WHERE (excluded.last_run_at, excluded.last_run_id) >= (p.last_run_at, p.last_run_id)
  $q$, src);
  UPDATE pipeline_stats p SET last_success_at = greatest(p.last_success_at, n.at)
  FROM (SELECT kitchen_id, pipeline, max(finished_at) AS at FROM new_rows WHERE status = 'succeeded' AND finished_at IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2) n
  WHERE p.kitchen_id = n.kitchen_id AND p.pipeline = n.pipeline AND p.last_success_at IS DISTINCT FROM greatest(p.last_success_at, n.at);
  RETURN NULL;
END $fn$;

CREATE TRIGGER "runs_rollup_insert" AFTER INSERT ON "runs" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "galley_rollup_runs"();
CREATE TRIGGER "runs_rollup_update" AFTER UPDATE ON "runs" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "galley_rollup_runs"();
CREATE TRIGGER "runs_rollup_delete" AFTER DELETE ON "runs" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "galley_rollup_runs"();

-- Test verdicts per day, and the newest result of each test. Results are written once and never
-- updated; they go away only with their run (cascade).
CREATE FUNCTION "galley_rollup_test_results"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  src TEXT := CASE TG_OP WHEN 'INSERT' THEN 'SELECT n.*, 1 AS sign FROM new_rows n' ELSE 'SELECT o.*, -1 AS sign FROM old_rows o' END;
BEGIN
  EXECUTE format($q$
    INSERT INTO pipeline_day_stats AS s (kitchen_id, pipeline, day, tests_passed, tests_warned, tests_failed, tests_error)
    SELECT d.kitchen_id, d.pipeline, (d.created_at AT TIME ZONE 'UTC')::date,
      coalesce(sum(d.sign) FILTER (WHERE d.verdict = 'passed'), 0),
      coalesce(sum(d.sign) FILTER (WHERE d.verdict = 'warned'), 0),
      coalesce(sum(d.sign) FILTER (WHERE d.verdict = 'failed'), 0),
      coalesce(sum(d.sign) FILTER (WHERE d.verdict = 'error'), 0)
    FROM (%s) d
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (kitchen_id, pipeline, day) DO UPDATE SET
      tests_passed = s.tests_passed + excluded.tests_passed,
      tests_warned = s.tests_warned + excluded.tests_warned,
      tests_failed = s.tests_failed + excluded.tests_failed,
      tests_error = s.tests_error + excluded.tests_error
  $q$, src);

  IF TG_OP = 'DELETE' THEN
    DELETE FROM test_stats t USING old_rows o WHERE t.last_result_id = o.id;
    INSERT INTO test_stats (kitchen_id, pipeline, node, test_name, last_result_id, last_run_id, kind, level, verdict, value, rule, last_at)
    SELECT DISTINCT ON (r.kitchen_id, r.pipeline, r.node, r.test_name) r.kitchen_id, r.pipeline, r.node, r.test_name, r.id, r.run_id, r.kind, r.level, r.verdict, r.value, r.rule, r.created_at
    FROM test_results r JOIN (SELECT DISTINCT kitchen_id, pipeline, node, test_name FROM old_rows) o
      ON (o.kitchen_id, o.pipeline, o.node, o.test_name) = (r.kitchen_id, r.pipeline, r.node, r.test_name)
    ORDER BY r.kitchen_id, r.pipeline, r.node, r.test_name, r.created_at DESC, r.id DESC
    ON CONFLICT DO NOTHING;
    RETURN NULL;
  END IF;

  INSERT INTO test_stats AS t (kitchen_id, pipeline, node, test_name, last_result_id, last_run_id, kind, level, verdict, value, rule, last_at)
  SELECT DISTINCT ON (n.kitchen_id, n.pipeline, n.node, n.test_name) n.kitchen_id, n.pipeline, n.node, n.test_name, n.id, n.run_id, n.kind, n.level, n.verdict, n.value, n.rule, n.created_at
  FROM new_rows n
  ORDER BY n.kitchen_id, n.pipeline, n.node, n.test_name, n.created_at DESC, n.id DESC
  ON CONFLICT (kitchen_id, pipeline, node, test_name) DO UPDATE SET
    last_result_id = excluded.last_result_id, last_run_id = excluded.last_run_id, kind = excluded.kind, level = excluded.level,
    verdict = excluded.verdict, value = excluded.value, rule = excluded.rule, last_at = excluded.last_at
  WHERE (excluded.last_at, excluded.last_result_id) >= (t.last_at, t.last_result_id);
  RETURN NULL;
END $fn$;

CREATE TRIGGER "test_results_rollup_insert" AFTER INSERT ON "test_results" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "galley_rollup_test_results"();
CREATE TRIGGER "test_results_rollup_delete" AFTER DELETE ON "test_results" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "galley_rollup_test_results"();

-- Backfill from history already there (the triggers only see changes from now on).
INSERT INTO pipeline_day_stats (kitchen_id, pipeline, day, succeeded, warned, failed, cancelled, duration_ms_sum, duration_count)
SELECT kitchen_id, pipeline, (created_at AT TIME ZONE 'UTC')::date,
  count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE status = 'succeeded' AND warnings > 0),
  count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'cancelled'),
  coalesce(sum(round(extract(epoch FROM finished_at - started_at) * 1000)) FILTER (WHERE started_at IS NOT NULL AND finished_at IS NOT NULL), 0),
  count(*) FILTER (WHERE started_at IS NOT NULL AND finished_at IS NOT NULL)
FROM runs WHERE status IN ('succeeded', 'failed', 'cancelled') GROUP BY 1, 2, 3;
INSERT INTO pipeline_day_stats AS s (kitchen_id, pipeline, day, tests_passed, tests_warned, tests_failed, tests_error)
SELECT kitchen_id, pipeline, (created_at AT TIME ZONE 'UTC')::date,
  count(*) FILTER (WHERE verdict = 'passed'), count(*) FILTER (WHERE verdict = 'warned'),
  count(*) FILTER (WHERE verdict = 'failed'), count(*) FILTER (WHERE verdict = 'error')
FROM test_results GROUP BY 1, 2, 3
ON CONFLICT (kitchen_id, pipeline, day) DO UPDATE SET tests_passed = excluded.tests_passed, tests_warned = excluded.tests_warned,
  tests_failed = excluded.tests_failed, tests_error = excluded.tests_error;
INSERT INTO pipeline_stats (kitchen_id, pipeline, last_run_id, last_run_status, last_run_warnings, last_run_at, last_run_started_at, last_run_finished_at, last_success_at)
SELECT DISTINCT ON (r.kitchen_id, r.pipeline) r.kitchen_id, r.pipeline, r.id, r.status, r.warnings, r.created_at, r.started_at, r.finished_at,
  (SELECT max(x.finished_at) FROM runs x WHERE x.kitchen_id = r.kitchen_id AND x.pipeline = r.pipeline AND x.status = 'succeeded')
FROM runs r ORDER BY r.kitchen_id, r.pipeline, r.created_at DESC, r.id DESC;
INSERT INTO test_stats (kitchen_id, pipeline, node, test_name, last_result_id, last_run_id, kind, level, verdict, value, rule, last_at)
SELECT DISTINCT ON (kitchen_id, pipeline, node, test_name) kitchen_id, pipeline, node, test_name, id, run_id, kind, level, verdict, value, rule, created_at
FROM test_results ORDER BY kitchen_id, pipeline, node, test_name, created_at DESC, id DESC;
