import { randomBytes, randomUUID } from "node:crypto";
import { createTestDatabase, uniq, type TestDatabase } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kekIdOfSealed, openSecret, sealSecret } from "./envelope";
import { createKeyring } from "./keyring";
import { resolveSecrets } from "./resolve-secrets";
import { kekUsage, rewrapAll } from "./rewrap-all";
import { setSecret } from "./set-secret";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const before = createKeyring(oldKey);
const during = createKeyring(newKey, [oldKey]);
const after = createKeyring(newKey);

async function seed(secretsPerEnv: number, envs: number): Promise<{ envIds: string[]; expected: Map<string, string> }> {
  const envIds: string[] = [];
  const expected = new Map<string, string>();
  for (let e = 0; e < envs; e++) {
    const env = await t.db.environment.create({ data: { name: uniq("env"), kind: "development", warehouseHost: "h", warehouseDb: "d", warehouseUser: "u" } });
    envIds.push(env.id);
    const rows = Array.from({ length: secretsPerEnv }, (_, i) => {
      const name = `SECRET_${i}`;
      const value = `value-${e}-${i}-${randomBytes(4).toString("hex")}`;
      expected.set(`${env.id}/${name}`, value);
      return { environmentId: env.id, name, version: 1, ciphertext: sealSecret(before, { environmentId: env.id, name, version: 1 }, value) };
    });
    await t.db.vaultSecret.createMany({ data: rows });
  }
  return { envIds, expected };
}

describe("KEK rotation", () => {
  it("re-wraps 1,000 secrets, survives an interruption, resumes, and the old KEK becomes removable", async () => {
    const { envIds, expected } = await seed(250, 4);
    const stop = new AbortController();
    const first = await rewrapAll({ db: t.db, keyring: during }, { batchSize: 100, signal: stop.signal, onBatch: ({ rewrapped }) => rewrapped >= 300 && stop.abort() });
    expect(first).toEqual({ rewrapped: 300, remaining: 700 });
    expect(await kekUsage({ db: t.db })).toEqual({ [during.activeKekId]: 300, [before.activeKekId]: 700 });

    // Between the two runs the app keeps working: reads open both kinds, writes use the new KEK.
    const runId = randomUUID();
    expect(Object.keys(await resolveSecrets({ db: t.db, keyring: during }, { environmentId: envIds[0], runId }))).toHaveLength(250);
    await setSecret({ db: t.db, keyring: during }, { environmentId: envIds[3], name: "SECRET_249", value: "changed", actorId: randomUUID() });
    expected.set(`${envIds[3]}/SECRET_249`, "changed");

    const started = performance.now();
    const second = await rewrapAll({ db: t.db, keyring: during }, { batchSize: 100 });
    const ms = performance.now() - started;
    expect(second.remaining).toBe(0);
    expect(first.rewrapped + second.rewrapped).toBeLessThanOrEqual(1000);
    expect(first.rewrapped + second.rewrapped).toBeGreaterThanOrEqual(999);
    console.log(`rewrapAll resumed over ${second.rewrapped} secrets in ${ms.toFixed(0)} ms`);

    const rows = await t.db.vaultSecret.findMany({ select: { environmentId: true, name: true, version: true, ciphertext: true } });
    expect(rows).toHaveLength(1000);
    for (const r of rows) {
      expect(kekIdOfSealed(r.ciphertext)).toBe(after.activeKekId);
      expect(openSecret(after, r, r.ciphertext)).toBe(expected.get(`${r.environmentId}/${r.name}`));
    }
    const audits = await t.db.auditLog.findMany({ where: { action: "vault.rewrap" }, select: { details: true } });
    expect(audits.reduce((n, a) => n + (a.details as { count: number }).count, 0)).toBe(first.rewrapped + second.rewrapped);
    expect(await rewrapAll({ db: t.db, keyring: after })).toEqual({ rewrapped: 0, remaining: 0 });
  });

  it("rolls back a whole batch when one row cannot be unwrapped, and names the missing key", async () => {
    const env = await t.db.environment.create({ data: { name: uniq("env"), kind: "development", warehouseHost: "h", warehouseDb: "d", warehouseUser: "u" } });
    const stranger = createKeyring(randomBytes(32));
    await t.db.vaultSecret.create({ data: { environmentId: env.id, name: "ORPHAN", ciphertext: sealSecret(stranger, { environmentId: env.id, name: "ORPHAN", version: 1 }, "x") } });
    await expect(rewrapAll({ db: t.db, keyring: after })).rejects.toThrow(new RegExp(`${stranger.activeKekId}.*not in the keyring`));
    expect((await kekUsage({ db: t.db }))[stranger.activeKekId]).toBe(1);
  });
});
