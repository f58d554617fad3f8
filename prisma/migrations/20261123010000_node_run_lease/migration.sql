-- Leases let a restarted worker take over a node whose worker died mid-run.
ALTER TABLE "node_runs" ADD COLUMN "worker_id" TEXT;
ALTER TABLE "node_runs" ADD COLUMN "lease_until" TIMESTAMPTZ(3);
CREATE INDEX "node_runs_status_lease_idx" ON "node_runs" ("status", "lease_until");
