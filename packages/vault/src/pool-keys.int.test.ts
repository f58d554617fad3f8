// Per-pool keys (issue 11): an environment in a pool with its own key has its secrets sealed with
// that key, so a worker of another pool (which holds only its own key) cannot open them.
import { randomBytes, randomUUID } from "node:crypto";
import { createTestDatabase, uniq, type TestDatabase } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kekIdOfSealed, openSecret } from "./envelope";
import { createKeyring, kekIdOf, keyringForPool, loadKeyring } from "./keyring";
import { kitchenRolePassword } from "./kitchen-role-password";
import { rewrapAll } from "./rewrap-all";
import { resolveSecrets } from "./resolve-secrets";
import { setEnvironmentPool } from "./set-environment-pool";
import { setSecret } from "./set-secret";

let t: TestDatabase;
const main = randomBytes(32).toString("base64");
const prodKey = randomBytes(32).toString("base64");
const actorId = randomUUID();

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const controlPlane = () => loadKeyring({ kek: main, kekFile: "/nonexistent", create: false, poolKeks: `production=${prodKey}` });
const envRow = () => t.db.environment.create({ data: { name: uniq("env"), kind: "production", warehouseHost: "127.0.0.1", warehouseDb: "wh", warehouseUser: "galley" }, select: { id: true } });

describe("pool keys", () => {
  it("moving an environment to a pool with its own key re-wraps its secrets: only that pool's workers open them", async () => {
    const deps = { db: t.db, keyring: controlPlane() };
    const env = (await envRow()).id;
    await setSecret(deps, { environmentId: env, name: "API_TOKEN", value: "tok-1", actorId });
    const moved = await setEnvironmentPool(deps, { environmentId: env, pool: "production", actorId });
    expect(moved).toMatchObject({ pool: "production", rewrapped: 1, kekId: kekIdOf(Buffer.from(prodKey, "base64")) });
    // A secret set afterwards is sealed with the pool key too.
    await setSecret(deps, { environmentId: env, name: "OTHER", value: "tok-2", actorId });
    const rows = await t.db.vaultSecret.findMany({ where: { environmentId: env }, select: { name: true, version: true, ciphertext: true } });
    expect(new Set(rows.map((r) => kekIdOfSealed(r.ciphertext)))).toEqual(new Set([moved.kekId]));

    const productionWorker = { db: t.db, keyring: loadKeyring({ kek: prodKey, kekFile: "/nonexistent", create: false }) };
    const developmentWorker = { db: t.db, keyring: loadKeyring({ kek: main, kekFile: "/nonexistent", create: false }) };
    const runId = randomUUID();
    expect(await resolveSecrets(productionWorker, { environmentId: env, runId })).toEqual({ API_TOKEN: "tok-1", OTHER: "tok-2" });
    await expect(resolveSecrets(developmentWorker, { environmentId: env, runId })).rejects.toThrow(/not in the keyring/);
    for (const r of rows) expect(() => openSecret(developmentWorker.keyring, { environmentId: env, name: r.name, version: r.version }, r.ciphertext)).toThrow();

    // Kitchen role passwords: the control plane and the pool's worker agree; another pool's key gives another value.
    const cp = kitchenRolePassword(keyringForPool(deps.keyring, "production"), env, "orders");
    expect(kitchenRolePassword(keyringForPool(productionWorker.keyring, "production"), env, "orders")).toBe(cp);
    expect(kitchenRolePassword(developmentWorker.keyring, env, "orders")).not.toBe(cp);

    // Rotation of the main key leaves the pool's secrets on the pool key.
    const rotated = { db: t.db, keyring: loadKeyring({ kek: randomBytes(32).toString("base64"), oldKeks: main, kekFile: "/nonexistent", create: false, poolKeks: `production=${prodKey}` }) };
    await rewrapAll(rotated);
    const after = await t.db.vaultSecret.findMany({ where: { environmentId: env }, select: { ciphertext: true } });
    expect(new Set(after.map((r) => kekIdOfSealed(r.ciphertext)))).toEqual(new Set([moved.kekId]));

    // Back to default: sealed with the main key again.
    expect((await setEnvironmentPool(deps, { environmentId: env, pool: "default", actorId })).kekId).toBe(deps.keyring.activeKekId);
    expect(await resolveSecrets(developmentWorker, { environmentId: env, runId })).toEqual({ API_TOKEN: "tok-1", OTHER: "tok-2" });
  });

  it("refuses a bad pool name, and a pool key equal to the main key", async () => {
    const deps = { db: t.db, keyring: createKeyring(Buffer.from(main, "base64")) };
    await expect(setEnvironmentPool(deps, { environmentId: (await envRow()).id, pool: "Prod:1", actorId })).rejects.toThrow(/pool name/);
    expect(() => loadKeyring({ kek: main, kekFile: "/x", create: false, poolKeks: `production=${main}` })).toThrow(/its own/);
    expect(() => loadKeyring({ kek: main, kekFile: "/x", create: false, poolKeks: `default=${prodKey}` })).toThrow(/pool name other than default/);
  });
});
