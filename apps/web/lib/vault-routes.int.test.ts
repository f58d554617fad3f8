// The vault API: names only on read, write-only values, environment-level authorisation.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BASE = "http://galley.test";
const CANARY = "canary-Vault-Value-7d1f";
let t: TestDatabase;
let signIn: typeof import("../app/api/auth/sign-in/route").POST;
let list: typeof import("../app/api/environments/[env]/secrets/route").GET;
let one: typeof import("../app/api/environments/[env]/secrets/[name]/route");

beforeAll(async () => {
  t = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "galley-vault-routes-"));
  Object.assign(process.env, { DATABASE_URL: t.url, GALLEY_BASE_URL: BASE, LOG_LEVEL: "error", GALLEY_DATA_DIR: dataDir });
  const { seedDemo } = await import("../../../scripts/seed-demo");
  await seedDemo({ databaseUrl: t.url });
  signIn = (await import("../app/api/auth/sign-in/route")).POST;
  list = (await import("../app/api/environments/[env]/secrets/route")).GET;
  one = await import("../app/api/environments/[env]/secrets/[name]/route");
});
afterAll(async () => ((await import("./run-hub")).closeRunHubs(), await t?.drop()));

const params = (p: Record<string, string>) => ({ params: Promise.resolve(p) });
function req(method: string, p: string, cookie?: string, body?: unknown): Request {
  return new Request(`${BASE}${p}`, {
    method,
    body: body ? JSON.stringify(body) : undefined,
    headers: { host: "galley.test", origin: BASE, ...(body ? { "content-type": "application/json" } : {}), ...(cookie ? { cookie: `galley_session=${cookie}` } : {}) },
  });
}
async function as(email: string): Promise<string> {
  const res = await signIn(req("POST", "/api/auth/sign-in", undefined, { email, password: "galley-demo-2026" }));
  return /galley_session=([^;]+)/.exec(res.headers.get("set-cookie")!)![1];
}

describe("vault API", () => {
  it("lets DataOps set a development secret, lists its name and never its value", async () => {
    const chris = await as("chris@galley.local");
    const put = await one.PUT(req("PUT", "/api/environments/development/secrets/API_TOKEN", chris, { value: CANARY }), params({ env: "development", name: "API_TOKEN" }));
    expect(put.status).toBe(200);
    const body = await put.text();
    expect(body).not.toContain(CANARY);
    const res = await list(req("GET", "/api/environments/development/secrets", chris), params({ env: "development" }));
    const text = await res.text();
    expect(JSON.parse(text).secrets.map((s: { name: string }) => s.name)).toContain("API_TOKEN");
    expect(text).not.toContain(CANARY);
    const raw = await t.db.vaultSecret.findFirstOrThrow({ where: { name: "API_TOKEN" } });
    expect(raw.ciphertext.startsWith("gv1:")).toBe(true);
    expect(raw.ciphertext).not.toContain(CANARY);
  });

  it("refuses a developer on the production vault and DataOps too; lets Eric", async () => {
    const padma = await as("padma@galley.local");
    const chris = await as("chris@galley.local");
    const eric = await as("eric@galley.local");
    const body = { value: "x-very-secret" };
    expect((await one.PUT(req("PUT", "/api/environments/production/secrets/TOKEN", padma, body), params({ env: "production", name: "TOKEN" }))).status).toBe(403);
    expect((await one.PUT(req("PUT", "/api/environments/production/secrets/TOKEN", chris, body), params({ env: "production", name: "TOKEN" }))).status).toBe(403);
    expect((await one.PUT(req("PUT", "/api/environments/production/secrets/TOKEN", eric, body), params({ env: "production", name: "TOKEN" }))).status).toBe(200);
    expect((await one.DELETE(req("DELETE", "/api/environments/production/secrets/TOKEN", eric), params({ env: "production", name: "TOKEN" }))).status).toBe(204);
  });

  it("answers 401 without a session, 422 for a bad name, 404 for an unknown environment", async () => {
    expect((await list(req("GET", "/api/environments/development/secrets"), params({ env: "development" }))).status).toBe(401);
    const chris = await as("chris@galley.local");
    const bad = await one.PUT(req("PUT", "/api/environments/development/secrets/bad-name", chris, { value: "v" }), params({ env: "development", name: "bad-name" }));
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.field).toBe("name");
    expect((await list(req("GET", "/api/environments/nope/secrets", chris), params({ env: "nope" }))).status).toBe(404);
  });
});
