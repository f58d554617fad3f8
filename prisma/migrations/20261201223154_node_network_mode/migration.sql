-- Container nodes no longer use the host network (it reached every loopback service: PostgreSQL
-- with trust, Redis, the web app). Environments run nodes on Galley's isolated bridge ('galley')
-- or without a network ('none'); 'host' and other Docker networks are refused here too.
UPDATE "environments" SET "network_mode" = 'galley' WHERE "network_mode" NOT IN ('galley', 'none');
ALTER TABLE "environments" ALTER COLUMN "network_mode" SET DEFAULT 'galley';
ALTER TABLE "environments" ADD CONSTRAINT "environments_network_mode_check" CHECK ("network_mode" IN ('galley', 'none'));
