-- Durable multi-step operations (issue 9): creating, deleting and merging Kitchens, and moving
-- children's views aside, record each step here BEFORE the irreversible work, so that after a
-- crash the janitor finishes or undoes them. `payload` holds what undoing or finishing needs.
CREATE TABLE "operations" (
  "id"             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "kind"           text NOT NULL CHECK ("kind" IN ('kitchen.create', 'kitchen.delete', 'kitchen.merge', 'views.rebind')),
  "subject"        text NOT NULL,
  "kitchen_id"     uuid REFERENCES "kitchens" ("id"),
  "environment_id" uuid REFERENCES "environments" ("id"),
  "step"           text NOT NULL,
  "state"          text NOT NULL DEFAULT 'running' CHECK ("state" IN ('running', 'done', 'undone')),
  "payload"        jsonb NOT NULL DEFAULT '{}',
  "error"          text,
  "actor_id"       uuid,
  "lease_until"    timestamptz(3) NOT NULL,
  "attempts"       integer NOT NULL DEFAULT 0,
  "created_at"     timestamptz(3) NOT NULL DEFAULT now(),
  "updated_at"     timestamptz(3) NOT NULL DEFAULT now(),
  "finished_at"    timestamptz(3)
);
-- One unfinished creation or deletion per name: the row is the name's reservation.
CREATE UNIQUE INDEX "operations_running_kitchen_key" ON "operations" ("subject") WHERE "state" = 'running' AND "kind" IN ('kitchen.create', 'kitchen.delete');
-- One merge into a Kitchen at a time: the merge's row is the lock (held without a database
-- transaction across git work; a crashed holder's row is finished by the janitor).
CREATE UNIQUE INDEX "operations_running_merge_key" ON "operations" ("subject") WHERE "state" = 'running' AND "kind" = 'kitchen.merge';
CREATE INDEX "operations_running_idx" ON "operations" ("lease_until") WHERE "state" = 'running';
CREATE INDEX "operations_kitchen_idx" ON "operations" ("kitchen_id", "created_at");
CREATE INDEX "operations_subject_idx" ON "operations" ("subject", "created_at");
