-- Alert routes of a Kitchen, the deliveries they get and every attempt at sending one.
-- A webhook URL is a credential: it lives in the environment's vault under secret_name, never here.
CREATE TABLE "alert_routes" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "kitchen_id" UUID NOT NULL,
  "name" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "secret_name" TEXT,
  "target_hint" TEXT NOT NULL DEFAULT '',
  "email_to" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  "events" TEXT[] NOT NULL,
  "enabled" BOOLEAN NOT NULL DEFAULT true,
  "health" TEXT NOT NULL DEFAULT 'unknown',
  "last_error" TEXT,
  "last_attempt_at" TIMESTAMPTZ(3),
  "last_success_at" TIMESTAMPTZ(3),
  "created_by" UUID,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "alert_routes_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "alert_routes_kind_check" CHECK ("kind" IN ('slack', 'webhook', 'email')),
  CONSTRAINT "alert_routes_health_check" CHECK ("health" IN ('unknown', 'ok', 'failing')),
  CONSTRAINT "alert_routes_kitchen_id_fkey" FOREIGN KEY ("kitchen_id") REFERENCES "kitchens"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "alert_routes_kitchen_id_name_key" ON "alert_routes"("kitchen_id", "name");

CREATE TABLE "alert_deliveries" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "route_id" UUID NOT NULL,
  "kitchen_id" UUID NOT NULL,
  "event" TEXT NOT NULL,
  -- One delivery per route and event occurrence (e.g. run:<id>:run.failed), whatever re-deliveries happen.
  "event_key" TEXT NOT NULL,
  "run_id" UUID,
  "message" JSONB NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'pending',
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "last_error" TEXT,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "delivered_at" TIMESTAMPTZ(3),
  CONSTRAINT "alert_deliveries_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "alert_deliveries_status_check" CHECK ("status" IN ('pending', 'delivered', 'failed')),
  CONSTRAINT "alert_deliveries_route_id_fkey" FOREIGN KEY ("route_id") REFERENCES "alert_routes"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "alert_deliveries_route_id_event_key_key" ON "alert_deliveries"("route_id", "event_key");
CREATE INDEX "alert_deliveries_kitchen_id_created_at_idx" ON "alert_deliveries"("kitchen_id", "created_at");
CREATE INDEX "alert_deliveries_run_id_idx" ON "alert_deliveries"("run_id");

CREATE TABLE "alert_attempts" (
  "id" BIGSERIAL NOT NULL,
  "delivery_id" UUID NOT NULL,
  "attempt" INTEGER NOT NULL,
  "ok" BOOLEAN NOT NULL,
  "status_code" INTEGER,
  "error" TEXT,
  "ms" INTEGER NOT NULL,
  "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "alert_attempts_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "alert_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "alert_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "alert_attempts_delivery_id_idx" ON "alert_attempts"("delivery_id");
