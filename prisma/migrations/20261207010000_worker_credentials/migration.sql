-- Worker credentials (issue 11): an admin issues one per pool; a worker registers with it and
-- every heartbeat and job checks it is still live. Only a hash of the token is kept. The pool's
-- vault keys travel sealed with a key derived from the token (wrapped_keys), so the database alone
-- cannot open them and a revoked credential (wrapped_keys cleared) yields nothing any more.
CREATE TABLE "worker_credentials" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "pool" TEXT NOT NULL,
  "name" TEXT NOT NULL DEFAULT '',
  "token_hash" TEXT NOT NULL,
  "token_hint" TEXT NOT NULL,
  "wrapped_keys" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "created_by" UUID REFERENCES "users"("id") ON DELETE SET NULL,
  "revoked_at" TIMESTAMPTZ(3),
  "revoked_by" UUID REFERENCES "users"("id") ON DELETE SET NULL,
  "last_used_at" TIMESTAMPTZ(3),
  CONSTRAINT "worker_credentials_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "worker_credentials_pool_check" CHECK ("pool" ~ '^[a-z][a-z0-9-]{0,39}$'),
  -- A revoked credential keeps no key material.
  CONSTRAINT "worker_credentials_revoked_keys_check" CHECK ("revoked_at" IS NULL OR "wrapped_keys" IS NULL)
);
CREATE UNIQUE INDEX "worker_credentials_token_hash_key" ON "worker_credentials" ("token_hash");

-- A worker's row says which credential it registered with, its role, how many nodes it runs now,
-- and when it stopped (kept after a clean exit so the admin page can say "gone" or "revoked").
ALTER TABLE "worker_heartbeats" ADD COLUMN "credential_id" UUID REFERENCES "worker_credentials"("id") ON DELETE SET NULL;
ALTER TABLE "worker_heartbeats" ADD COLUMN "role" TEXT NOT NULL DEFAULT 'all';
ALTER TABLE "worker_heartbeats" ADD COLUMN "running" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "worker_heartbeats" ADD COLUMN "stopped_at" TIMESTAMPTZ(3);

-- Per-pool settings: at most max_running nodes of the pool run at once, across all its workers
-- (enforced by the pool queue's BullMQ global concurrency, which workers keep in step with this row).
CREATE TABLE "worker_pools" (
  "pool" TEXT NOT NULL,
  "max_running" INTEGER,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "worker_pools_pkey" PRIMARY KEY ("pool"),
  CONSTRAINT "worker_pools_pool_check" CHECK ("pool" ~ '^[a-z][a-z0-9-]{0,39}$'),
  CONSTRAINT "worker_pools_max_running_check" CHECK ("max_running" IS NULL OR "max_running" BETWEEN 1 AND 10000)
);
