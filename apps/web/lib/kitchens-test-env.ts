// A Galley of its own for the Kitchens route tests: a migrated database with the demo
// organisation, its analytics repository, vault and two warehouse databases (seedDemo with a
// data directory), and signed-in sessions. Route handlers are called with Request objects.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { adminUrl, createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { AnalyticsRepo } from "@galley/git";
import pg from "pg";
import { expect } from "vitest";

export const BASE = "http://galley.test";
export const DEMO_PASSWORD = "galley-demo-2026";

export interface KitchensTestEnv {
  t: TestDatabase;
  dataDir: string;
  repo: AnalyticsRepo;
  /** Warehouse databases: production and development. */
  warehouses: { production: string; development: string };
  cleanup(): Promise<void>;
}

export async function setUpKitchensTestEnv(): Promise<KitchensTestEnv> {
  const t = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "galley-web-kitchens-"));
  // Configuration is read once, lazily, on the first request: point it at this Galley.
  Object.assign(process.env, { DATABASE_URL: t.url, GALLEY_BASE_URL: BASE, GALLEY_DATA_DIR: dataDir, LOG_LEVEL: "error" });
  // galley_t_ prefix: CI's test setup drops leftovers of killed runs.
  const prefix = `galley_t_wk${randomBytes(3).toString("hex")}`;
  const { seedDemo } = await import("../../../scripts/seed-demo");
  await seedDemo({ databaseUrl: t.url, dataDir, warehouseDbPrefix: prefix });
  const repo = await AnalyticsRepo.open(path.join(dataDir, "repo.git"));
  const warehouses = { production: `${prefix}_prod`, development: `${prefix}_dev` };
  return {
    t, dataDir, repo, warehouses,
    cleanup: async () => {
      const g = globalThis as { __galleyKitchens?: { warehouses?: { closeAll(): Promise<void> } } };
      await g.__galleyKitchens?.warehouses?.closeAll();
      // The process's LISTEN connection (run events, caches) would otherwise retry a dropped database.
      (await import("./run-hub")).closeRunHubs();
      await t.drop();
      const admin = new pg.Client({ connectionString: adminUrl() });
      await admin.connect();
      for (const db of Object.values(warehouses)) await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function req(p: string, init: RequestInit & { headers?: Record<string, string> } = {}): Request {
  return new Request(`${BASE}${p}`, { ...init, headers: { host: "galley.test", ...init.headers } });
}

/** A JSON request with the same-origin header a browser would send. */
export function send(method: string, p: string, body: unknown, headers: Record<string, string> = {}): Request {
  return req(p, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { "content-type": "application/json", origin: BASE, ...headers } });
}

const sessions = new Map<string, string>();

/** Session cookie headers for a demo user (signed in once per file). */
export async function as(email: string): Promise<Record<string, string>> {
  let token = sessions.get(email);
  if (!token) {
    const { POST } = await import("../app/api/auth/sign-in/route");
    const res = await POST(send("POST", "/api/auth/sign-in", { email, password: DEMO_PASSWORD }));
    expect(res.status).toBe(200);
    token = /galley_session=([^;]+)/.exec(res.headers.get("set-cookie")!)![1];
    sessions.set(email, token);
  }
  return { cookie: `galley_session=${token}` };
}

export const params = <T extends Record<string, string>>(p: T) => ({ params: Promise.resolve(p) });
