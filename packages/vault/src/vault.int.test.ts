import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { createTestDatabase, uniq, type TestDatabase } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteSecret } from "./delete-secret";
import type { VaultDeps } from "./deps";
import { openSecret, VaultDecryptError } from "./envelope";
import { createKeyring } from "./keyring";
import { listSecrets } from "./list-secrets";
import { readEnvironmentSecrets, resolveGalleyCredentials, resolveSecrets } from "./resolve-secrets";
import { setSecret } from "./set-secret";

let t: TestDatabase;
let deps: VaultDeps;
const actorId = randomUUID();

beforeAll(async () => {
  t = await createTestDatabase();
  deps = { db: t.db, keyring: createKeyring(randomBytes(32)) };
});
afterAll(() => t.drop());

async function seedEnvironment(kind: "development" | "production" = "development"): Promise<string> {
  const env = await t.db.environment.create({
    data: { name: uniq("env"), kind, warehouseHost: "127.0.0.1", warehouseDb: "wh", warehouseUser: "galley" },
    select: { id: true },
  });
  return env.id;
}

async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: t.url });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

const auditRows = (target: string) =>
  sql<{ action: string; actor_id: string | null; details: Record<string, unknown>; request_id: string | null }>(
    `SELECT action, actor_id, details, request_id FROM audit_log WHERE target LIKE $1 ORDER BY id`,
    [`${target}%`],
  );

describe("vault use cases", () => {
  it("sets, bumps, lists, resolves and deletes secrets", async () => {
    const env = await seedEnvironment();
    expect(await setSecret(deps, { environmentId: env, name: "WAREHOUSE_PASSWORD", value: "pw-1", actorId, requestId: "req-1" })).toEqual({
      name: "WAREHOUSE_PASSWORD",
      version: 1,
    });
    expect((await setSecret(deps, { environmentId: env, name: "WAREHOUSE_PASSWORD", value: "pw-2", actorId })).version).toBe(2);
    await setSecret(deps, { environmentId: env, name: "API_TOKEN", value: "tok", actorId });
    const listed = await listSecrets(deps, env);
    expect(listed.map((s) => [s.name, s.version, s.updatedBy])).toEqual([
      ["API_TOKEN", 1, actorId],
      ["WAREHOUSE_PASSWORD", 2, actorId],
    ]);
    expect(JSON.stringify(listed)).not.toMatch(/pw-|tok"|gv1/);
    // Pipeline secrets and Galley's own credentials are read apart (issue 7 finding 4).
    expect(await resolveSecrets(deps, { environmentId: env, runId: randomUUID(), nodeId: "load" })).toEqual({ API_TOKEN: "tok" });
    expect(await resolveGalleyCredentials(deps, { environmentId: env })).toEqual({ WAREHOUSE_PASSWORD: "pw-2" });
    await deleteSecret(deps, { environmentId: env, name: "API_TOKEN", actorId });
    expect((await listSecrets(deps, env)).map((s) => s.name)).toEqual(["WAREHOUSE_PASSWORD"]);
    await expect(deleteSecret(deps, { environmentId: env, name: "API_TOKEN", actorId })).rejects.toMatchObject({ code: "not_found" });
  });

  it("reads named secrets for Galley's own use through the same audited read, with its purpose", async () => {
    const env = await seedEnvironment();
    await setSecret(deps, { environmentId: env, name: "WAREHOUSE_PASSWORD", value: "pw-w", actorId });
    await setSecret(deps, { environmentId: env, name: "API_TOKEN", value: "tok-w", actorId });
    expect(await readEnvironmentSecrets(deps, { environmentId: env, names: ["WAREHOUSE_PASSWORD", "MASK_SALT"], purpose: "warehouse connection (web)" })).toEqual({ WAREHOUSE_PASSWORD: "pw-w" });
    const reads = (await auditRows(`vault:${env}`)).filter((r) => r.action === "vault.read");
    expect(reads.at(-1)!.details).toEqual({ environmentId: env, runId: null, nodeId: null, purpose: "warehouse connection (web)", names: ["WAREHOUSE_PASSWORD"] });
  });

  it("serialises concurrent writers of one name: versions 1..n, the last one opens", async () => {
    const env = await seedEnvironment();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => setSecret(deps, { environmentId: env, name: "RACED", value: `v${i}`, actorId })),
    );
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const resolved = await resolveSecrets(deps, { environmentId: env, runId: randomUUID() });
    const winner = results.findIndex((r) => r.version === 8);
    expect(resolved.RACED).toBe(`v${winner}`);
  });

  it("validates input before touching the database", async () => {
    const env = await seedEnvironment();
    await expect(setSecret(deps, { environmentId: env, name: "lower", value: "v", actorId })).rejects.toMatchObject({ code: "invalid_input", field: "name" });
    await expect(setSecret(deps, { environmentId: env, name: "BIG", value: "x".repeat(65 * 1024), actorId })).rejects.toMatchObject({ field: "value" });
    await expect(setSecret(deps, { environmentId: "prod", name: "A", value: "v", actorId })).rejects.toMatchObject({ field: "environmentId" });
    await expect(setSecret(deps, { environmentId: randomUUID(), name: "A", value: "v", actorId })).rejects.toMatchObject({ code: "not_found" });
    expect(await t.db.vaultSecret.count({ where: { environmentId: env } })).toBe(0);
  });

  it("stores only gv1 envelopes: a raw SELECT finds no plaintext", async () => {
    const env = await seedEnvironment();
    const canary = `canary-${randomBytes(8).toString("hex")}`;
    await setSecret(deps, { environmentId: env, name: "CANARY", value: canary, actorId });
    const rows = await sql<{ ciphertext: string }>(`SELECT ciphertext FROM vault_secrets WHERE environment_id = $1`, [env]);
    expect(rows[0].ciphertext.startsWith(`gv1:${deps.keyring.activeKekId}:`)).toBe(true);
    for (const table of ["vault_secrets", "audit_log"]) {
      const [{ dump }] = await sql<{ dump: string }>(`SELECT string_agg(t::text, '|') AS dump FROM ${table} t`);
      expect(dump).not.toContain(canary);
      expect(dump).not.toContain(Buffer.from(canary).toString("base64"));
    }
  });

  it("fails to open a production ciphertext copied onto a development row, or a renamed row", async () => {
    const prod = await seedEnvironment("production");
    const dev = await seedEnvironment("development");
    await setSecret(deps, { environmentId: prod, name: "DB_PASSWORD", value: "prod-pw", actorId });
    await setSecret(deps, { environmentId: dev, name: "DB_PASSWORD", value: "dev-pw", actorId });
    await sql(`UPDATE vault_secrets SET ciphertext = (SELECT ciphertext FROM vault_secrets WHERE environment_id = $1) WHERE environment_id = $2`, [prod, dev]);
    await expect(resolveSecrets(deps, { environmentId: dev, runId: randomUUID() })).rejects.toThrow(VaultDecryptError);
    await sql(`UPDATE vault_secrets SET name = 'OTHER_PASSWORD' WHERE environment_id = $1`, [prod]);
    await expect(resolveSecrets(deps, { environmentId: prod, runId: randomUUID() })).rejects.toThrow(VaultDecryptError);
  });
});

describe("audit", () => {
  it("writes one row per set, delete and read, with names and never values", async () => {
    const env = await seedEnvironment();
    const runId = randomUUID();
    await setSecret(deps, { environmentId: env, name: "A", value: "value-a", actorId, requestId: "req-set" });
    await setSecret(deps, { environmentId: env, name: "B", value: "value-b", actorId });
    await resolveSecrets(deps, { environmentId: env, runId, nodeId: "extract", requestId: "req-read" });
    await deleteSecret(deps, { environmentId: env, name: "B", actorId });
    const rows = await auditRows(`vault:${env}`);
    expect(rows.map((r) => r.action)).toEqual(["vault.set", "vault.set", "vault.read", "vault.delete"]);
    expect(rows[0]).toMatchObject({ actor_id: actorId, request_id: "req-set", details: { environmentId: env, name: "A", version: 1 } });
    expect(rows[2]).toMatchObject({ actor_id: null, request_id: "req-read", details: { environmentId: env, runId, nodeId: "extract", names: ["A", "B"] } });
    expect(JSON.stringify(rows)).not.toContain("value-");
  });

  it("refuses UPDATE and DELETE on audit_log", async () => {
    const env = await seedEnvironment();
    await setSecret(deps, { environmentId: env, name: "A", value: "v", actorId });
    await expect(sql(`UPDATE audit_log SET action = 'x' WHERE target LIKE $1`, [`vault:${env}%`])).rejects.toThrow(/append-only/);
    await expect(sql(`DELETE FROM audit_log WHERE target LIKE $1`, [`vault:${env}%`])).rejects.toThrow(/append-only/);
    expect(await auditRows(`vault:${env}`)).toHaveLength(1);
  });

  it("returns no values when the audit insert fails, and rolls back a set whose audit fails", async () => {
    const env = await seedEnvironment();
    await setSecret(deps, { environmentId: env, name: "A", value: "v1", actorId });
    // A failing audit device, for this environment only (other tests share the database).
    await sql(`
      CREATE FUNCTION fail_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit device unavailable'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.target LIKE 'vault:${env}%') EXECUTE FUNCTION fail_audit();`);
    try {
      await expect(resolveSecrets(deps, { environmentId: env, runId: randomUUID() })).rejects.toThrow(/audit device unavailable/);
      await expect(setSecret(deps, { environmentId: env, name: "A", value: "v2", actorId })).rejects.toThrow(/audit device unavailable/);
      await expect(deleteSecret(deps, { environmentId: env, name: "A", actorId })).rejects.toThrow(/audit device unavailable/);
    } finally {
      await sql(`DROP TRIGGER fail_audit ON audit_log; DROP FUNCTION fail_audit();`);
    }
    const row = await t.db.vaultSecret.findUniqueOrThrow({ where: { environmentId_name: { environmentId: env, name: "A" } } });
    expect(row.version).toBe(1);
    expect(openSecret(deps.keyring, { environmentId: env, name: "A", version: 1 }, row.ciphertext)).toBe("v1");
  });
});
