import path from "node:path";
import { adminUrl, withDatabase } from "@galley/db/testing";

// E2E_PORT and E2E_ID let several checkouts run the browser tests on one machine at once.
const E2E_ID = (process.env.E2E_ID ?? "").replace(/[^a-z0-9_]/g, "");
const SUFFIX = E2E_ID ? `_${E2E_ID}` : "";
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;
export const E2E_DATABASE = `galley_e2e${SUFFIX}`;
export const E2E_DATABASE_URL = withDatabase(adminUrl(), E2E_DATABASE);
/** Analytics repository and vault key of the browser tests; wiped when the web server starts. */
export const E2E_DATA_DIR = path.resolve(import.meta.dirname, `../../../.galley/e2e-data${SUFFIX}`);
export const E2E_WAREHOUSE_PREFIX = `galley_e2e${SUFFIX}_wh`;
export const E2E_QUEUE_PREFIX = `galley-e2e${SUFFIX}`;
export const E2E_EXECUTOR = process.env.GALLEY_EXECUTOR === "local" ? "local" : "docker";

/** What the web server and the worker of the browser tests share. */
export const E2E_ENV = {
  DATABASE_URL: E2E_DATABASE_URL,
  GALLEY_BASE_URL: E2E_BASE_URL,
  GALLEY_DATA_DIR: E2E_DATA_DIR,
  GALLEY_QUEUE_PREFIX: E2E_QUEUE_PREFIX,
  GALLEY_EXECUTOR: E2E_EXECUTOR,
  // The specs' alert receivers listen on loopback.
  GALLEY_ALERT_ALLOW_HOSTS: "127.0.0.1",
  NEXT_TELEMETRY_DISABLED: "1",
  LOG_LEVEL: "warn",
};
