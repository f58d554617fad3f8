-- Every evaluation of a node's data test (issue 8), so history is queryable: control charts,
-- dashboards and the limits of statistical control are all read from here.
CREATE TABLE "test_results" (
  "id"           UUID NOT NULL DEFAULT gen_random_uuid(),
  "run_id"       UUID NOT NULL,
  "node_run_id"  UUID NOT NULL,
  "kitchen_id"   UUID NOT NULL,
  "pipeline"     TEXT NOT NULL,
  "node"         TEXT NOT NULL,
  "test_name"    TEXT NOT NULL,
  "attempt"      INTEGER NOT NULL DEFAULT 1,
  "kind"         TEXT NOT NULL,
  "value"        DOUBLE PRECISION,
  "lower_limit"  DOUBLE PRECISION,
  "upper_limit"  DOUBLE PRECISION,
  "mean"         DOUBLE PRECISION,
  "sigma"        DOUBLE PRECISION,
  "rule"         TEXT,
  "verdict"      TEXT NOT NULL,
  "level"        TEXT NOT NULL,
  "message"      TEXT NOT NULL DEFAULT '',
  "failing_rows" INTEGER,
  "examples"     JSONB,
  "created_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "test_results_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "test_results_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE,
  CONSTRAINT "test_results_node_run_id_fkey" FOREIGN KEY ("node_run_id") REFERENCES "node_runs"("id") ON DELETE CASCADE,
  CONSTRAINT "test_results_kitchen_id_fkey" FOREIGN KEY ("kitchen_id") REFERENCES "kitchens"("id"),
  CONSTRAINT "test_results_kind_check" CHECK ("kind" IN ('unique', 'not_null', 'accepted_values', 'relationships', 'expression',
    'row_count', 'null_ratio', 'distinct_count', 'min', 'max', 'avg', 'freshness', 'sql', 'output', 'duration')),
  CONSTRAINT "test_results_verdict_check" CHECK ("verdict" IN ('passed', 'warned', 'failed', 'error')),
  CONSTRAINT "test_results_level_check" CHECK ("level" IN ('log', 'warn', 'fail'))
);
-- History of one test (control charts, SPC limits: newest N points).
CREATE INDEX "test_results_history_idx" ON "test_results" ("kitchen_id", "pipeline", "node", "test_name", "created_at");
CREATE INDEX "test_results_run_id_idx" ON "test_results" ("run_id");

-- A run that succeeded while `warn` tests tripped shows "succeeded with warnings": the status
-- stays `succeeded` (everything that reads statuses keeps working) and this counts the warnings.
ALTER TABLE "runs" ADD COLUMN "warnings" INTEGER NOT NULL DEFAULT 0;
