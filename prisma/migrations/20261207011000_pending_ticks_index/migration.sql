-- Every worker's ticker looks for ticks left pending about once a minute (sweepStaleTicks):
-- only pending ticks are indexed, so the sweep stays cheap however long the tick history grows.
CREATE INDEX "schedule_ticks_pending_idx" ON "schedule_ticks" ("created_at") WHERE "status" = 'pending';
