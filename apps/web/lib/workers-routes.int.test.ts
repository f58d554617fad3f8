// The Workers admin API: only admins (the policy's manage_workers) issue, list and revoke worker
// credentials, set a pool's capacity and move an environment to another pool (secrets re-wrapped).
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { kekIdOf, kekIdOfSealed } from "@galley/vault";
import { hashToken } from "@galley/workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, BASE, params, send } from "./kitchens-test-env";

const POOL_KEY = randomBytes(32).toString("base64");
let t: TestDatabase;
let workers: typeof import("../app/api/admin/workers/route");
let issue: typeof import("../app/api/admin/worker-credentials/route");
let revoke: typeof import("../app/api/admin/worker-credentials/[id]/revoke/route");
let capacity: typeof import("../app/api/admin/worker-pools/[pool]/route");
let move: typeof import("../app/api/admin/environments/[env]/pool/route");

beforeAll(async () => {
  t = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "galley-workers-routes-"));
  Object.assign(process.env, { DATABASE_URL: t.url, GALLEY_BASE_URL: BASE, LOG_LEVEL: "error", GALLEY_DATA_DIR: dataDir, GALLEY_POOL_KEKS: `production=${POOL_KEY}` });
  const { seedDemo } = await import("../../../scripts/seed-demo");
  await seedDemo({ databaseUrl: t.url, dataDir });
  workers = await import("../app/api/admin/workers/route");
  issue = await import("../app/api/admin/worker-credentials/route");
  revoke = await import("../app/api/admin/worker-credentials/[id]/revoke/route");
  capacity = await import("../app/api/admin/worker-pools/[pool]/route");
  move = await import("../app/api/admin/environments/[env]/pool/route");
});
afterAll(() => t?.drop());

describe("workers admin API", () => {
  it("admins issue a credential (token shown once, hash stored), list it without its token, and revoke it", async () => {
    const admin = await as("admin@galley.local");
    const res = await issue.POST(send("POST", "/api/admin/worker-credentials", { pool: "production", name: "prod-1" }, admin), params({}));
    expect(res.status).toBe(200);
    const { credential } = await res.json();
    expect(credential.token).toMatch(/^gwc_/);
    const row = await t.db.workerCredential.findUniqueOrThrow({ where: { id: credential.id } });
    expect(row).toMatchObject({ pool: "production", name: "prod-1", tokenHash: hashToken(credential.token) });
    expect(JSON.stringify(row)).not.toContain(credential.token);
    expect(await t.db.auditLog.count({ where: { action: "worker_credential.issue", target: `worker_credential:${credential.id}` } })).toBe(1);

    const listed = await (await workers.GET(send("GET", "/api/admin/workers", undefined, admin), params({}))).text();
    expect(JSON.parse(listed).credentials.find((c: { id: string }) => c.id === credential.id)).toMatchObject({ pool: "production", name: "prod-1", revokedAt: null });
    expect(listed).not.toContain(credential.token);
    expect(listed).not.toContain(row.tokenHash);

    const r1 = await revoke.POST(send("POST", `/api/admin/worker-credentials/${credential.id}/revoke`, undefined, admin), params({ id: credential.id }));
    expect(await r1.json()).toMatchObject({ id: credential.id, alreadyRevoked: false });
    expect(await t.db.workerCredential.findUniqueOrThrow({ where: { id: credential.id }, select: { revokedAt: true, wrappedKeys: true } })).toMatchObject({ revokedAt: expect.any(Date), wrappedKeys: null });
    const r2 = await revoke.POST(send("POST", `/api/admin/worker-credentials/${credential.id}/revoke`, undefined, admin), params({ id: credential.id }));
    expect(await r2.json()).toMatchObject({ alreadyRevoked: true });
    expect((await issue.POST(send("POST", "/api/admin/worker-credentials", { pool: "Bad Pool" }, admin), params({}))).status).toBe(422);
  });

  it("refuses everyone but admins", async () => {
    const cred = await t.db.workerCredential.findFirstOrThrow({ select: { id: true } });
    for (const email of ["chris@galley.local", "eric@galley.local", "padma@galley.local", "maya@galley.local"]) {
      const who = await as(email);
      expect((await workers.GET(send("GET", "/api/admin/workers", undefined, who), params({}))).status).toBe(403);
      expect((await issue.POST(send("POST", "/api/admin/worker-credentials", { pool: "default" }, who), params({}))).status).toBe(403);
      expect((await revoke.POST(send("POST", `/api/admin/worker-credentials/${cred.id}/revoke`, undefined, who), params({ id: cred.id }))).status).toBe(403);
      expect((await capacity.PUT(send("PUT", "/api/admin/worker-pools/default", { maxRunning: 1 }, who), params({ pool: "default" }))).status).toBe(403);
      expect((await move.PUT(send("PUT", "/api/admin/environments/production/pool", { pool: "default" }, who), params({ env: "production" }))).status).toBe(403);
    }
    expect((await workers.GET(send("GET", "/api/admin/workers", undefined), params({}))).status).toBe(401);
    expect(await t.db.workerCredential.count()).toBe(1);
  });

  it("sets a pool's capacity", async () => {
    const admin = await as("admin@galley.local");
    const ok = await capacity.PUT(send("PUT", "/api/admin/worker-pools/default", { maxRunning: 3 }, admin), params({ pool: "default" }));
    expect(await ok.json()).toEqual({ pool: "default", maxRunning: 3 });
    expect((await capacity.PUT(send("PUT", "/api/admin/worker-pools/default", { maxRunning: 0 }, admin), params({ pool: "default" }))).status).toBe(422);
    await capacity.PUT(send("PUT", "/api/admin/worker-pools/default", { maxRunning: null }, admin), params({ pool: "default" }));
    expect(await t.db.workerPool.findUniqueOrThrow({ where: { pool: "default" } })).toMatchObject({ maxRunning: null });
  });

  it("moves an environment to another pool, re-wrapping its secrets with that pool's key (as pnpm galley set-pool)", async () => {
    const admin = await as("admin@galley.local");
    const prod = await t.db.environment.findUniqueOrThrow({ where: { name: "production" }, select: { id: true } });
    const secrets = () => t.db.vaultSecret.findMany({ where: { environmentId: prod.id }, select: { ciphertext: true } });
    expect((await secrets()).length).toBeGreaterThan(0);
    const res = await move.PUT(send("PUT", "/api/admin/environments/production/pool", { pool: "production" }, admin), params({ env: "production" }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ environment: "production", pool: "production" });
    expect(body.rewrapped).toBe((await secrets()).length);
    expect(await t.db.environment.findUniqueOrThrow({ where: { id: prod.id }, select: { pool: true } })).toEqual({ pool: "production" });
    for (const s of await secrets()) expect(kekIdOfSealed(s.ciphertext)).toBe(kekIdOf(Buffer.from(POOL_KEY, "base64")));
    expect(await t.db.auditLog.count({ where: { action: "environment.pool", target: `environment:${prod.id}` } })).toBe(1);
    expect((await move.PUT(send("PUT", "/api/admin/environments/nowhere/pool", { pool: "default" }, admin), params({ env: "nowhere" }))).status).toBe(404);
  });
});
