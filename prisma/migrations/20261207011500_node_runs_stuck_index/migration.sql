-- The reconciler's leader pages through stuck nodes (queued too long, or running with an expired
-- lease) every 5 s. Without an index on status that was a scan of every node run ever recorded;
-- only nodes still queued or running are indexed, so the pass stays flat as history grows.
CREATE INDEX "node_runs_open_idx" ON "node_runs" ("id") WHERE "status" IN ('queued', 'running');
