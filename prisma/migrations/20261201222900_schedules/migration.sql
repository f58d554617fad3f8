-- Schedules: the definition lives in the Kitchen's branch (schedules.yaml, so it moves with merges);
-- this row mirrors it and holds what is per Kitchen: enabled, the next tick, the history.
CREATE TABLE "schedules" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "kitchen_id" UUID NOT NULL,
  "name" TEXT NOT NULL,
  "pipeline" TEXT NOT NULL,
  "cron" TEXT NOT NULL,
  "timezone" TEXT NOT NULL,
  "parameters" JSONB NOT NULL DEFAULT '{}',
  "enabled" BOOLEAN NOT NULL DEFAULT false,
  "enabled_by" UUID,
  "enabled_at" TIMESTAMPTZ(3),
  -- The entry in schedules.yaml cannot be used (bad cron, unknown zone): shown, never fired.
  "definition_error" TEXT,
  "source_commit" TEXT NOT NULL,
  "next_run_at" TIMESTAMPTZ(3),
  -- The entry left the branch: kept for its history, never fired.
  "removed_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "schedules_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "schedules_kitchen_id_fkey" FOREIGN KEY ("kitchen_id") REFERENCES "kitchens"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "schedules_kitchen_id_name_key" ON "schedules"("kitchen_id", "name");
CREATE INDEX "schedules_due_idx" ON "schedules"("next_run_at") WHERE "enabled" AND "removed_at" IS NULL;

-- Which branch head each Kitchen's schedules were last read from (sync skips unchanged branches).
CREATE TABLE "schedule_syncs" (
  "kitchen_id" UUID NOT NULL,
  "commit" TEXT NOT NULL,
  "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "schedule_syncs_pkey" PRIMARY KEY ("kitchen_id"),
  CONSTRAINT "schedule_syncs_kitchen_id_fkey" FOREIGN KEY ("kitchen_id") REFERENCES "kitchens"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- One row per tick: started (with its run), skipped (overlap), missed (nobody was up), failed (could not start).
CREATE TABLE "schedule_ticks" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "schedule_id" UUID NOT NULL,
  "tick_at" TIMESTAMPTZ(3) NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'pending',
  "run_id" UUID,
  "reason" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "handled_at" TIMESTAMPTZ(3),
  CONSTRAINT "schedule_ticks_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "schedule_ticks_status_check" CHECK ("status" IN ('pending', 'started', 'skipped', 'missed', 'failed')),
  CONSTRAINT "schedule_ticks_schedule_id_fkey" FOREIGN KEY ("schedule_id") REFERENCES "schedules"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "schedule_ticks_schedule_id_tick_at_key" ON "schedule_ticks"("schedule_id", "tick_at");
CREATE INDEX "schedule_ticks_run_id_idx" ON "schedule_ticks"("run_id");
