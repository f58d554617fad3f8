-- Keyset pages of a Kitchen's runs, newest first (listRuns orders by created_at DESC, id DESC).
CREATE INDEX "runs_kitchen_id_created_at_id_idx" ON "runs" ("kitchen_id", "created_at", "id");
