-- Worker pools (issue 11): an environment names the pool its nodes run on; a run keeps the pool
-- it was planned for (so re-enqueues after a pool change still reach the workers that may hold
-- that environment's keys); a worker's heartbeat says which pool it serves.
ALTER TABLE "environments" ADD COLUMN "pool" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "environments" ADD CONSTRAINT "environments_pool_check" CHECK ("pool" ~ '^[a-z][a-z0-9-]{0,39}$');
ALTER TABLE "runs" ADD COLUMN "pool" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "worker_heartbeats" ADD COLUMN "pool" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "worker_heartbeats" ADD COLUMN "version" TEXT NOT NULL DEFAULT '';
ALTER TABLE "worker_heartbeats" ADD COLUMN "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now();
ALTER TABLE "worker_heartbeats" ADD COLUMN "draining" BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX "worker_heartbeats_pool_beat_at_idx" ON "worker_heartbeats" ("pool", "beat_at");
