// KEK rotation exactly as packages/vault/README.md documents it, through the real command
// (`pnpm galley rotate-kek ...` as child processes), first with the key file, then with
// GALLEY_KEK / GALLEY_KEK_OLD. After each: every secret reads back (with only the new key), and
// every Kitchen role's password in the warehouse is the one web and worker now derive.
import { execFile } from "node:child_process";
import { createHash, createHmac, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { adminUrl } from "@galley/db/testing";
import { generateKek, kitchenRolePassword, loadKeyring, openSecret, setSecret, type Keyring } from "@galley/vault";
import { kitchenRoleName } from "@galley/warehouse";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpKitchensTestEnv, type KitchensTestEnv } from "../apps/web/lib/kitchens-test-env";

const ROOT = path.resolve(import.meta.dirname, "..");
let env: KitchensTestEnv;
const CANARY = "CANARY-rotate-7f3e-never-lost";

beforeAll(async () => {
  env = await setUpKitchensTestEnv();
  const dev = await env.t.db.environment.findUniqueOrThrow({ where: { name: "development" } });
  const admin = await env.t.db.user.findUniqueOrThrow({ where: { email: "admin@galley.local" } });
  await setSecret({ db: env.t.db, keyring: keyringFromFile() }, { environmentId: dev.id, name: "ROTATION_CANARY", value: CANARY, actorId: admin.id });
}, 180_000);
afterAll(() => env?.cleanup());

const kekFile = () => path.join(env.dataDir, "kek");
/** What a restarted web or worker loads with the key file. */
const keyringFromFile = () => loadKeyring({ kekFile: kekFile(), create: false });

function galley(args: string[], extra: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const childEnv = { PATH: process.env.PATH!, HOME: process.env.HOME ?? "/root", DATABASE_URL: env.t.url, GALLEY_DATA_DIR: env.dataDir, LOG_LEVEL: "error", ...extra };
  return new Promise((resolve) =>
    execFile("pnpm", ["--silent", "galley", ...args], { cwd: ROOT, env: childEnv, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` })),
  );
}

async function allSecretValues(keyring: Keyring): Promise<Record<string, string>> {
  const rows = await env.t.db.vaultSecret.findMany({ select: { environmentId: true, name: true, version: true, ciphertext: true } });
  expect(rows.length).toBeGreaterThan(1);
  return Object.fromEntries(rows.map((r) => [`${r.environmentId}/${r.name}`, openSecret(keyring, r, r.ciphertext)]));
}

/** Checks `password` against the role's SCRAM-SHA-256 verifier (local test servers trust 127.0.0.1, so logging in proves nothing). */
function scramMatches(verifier: string, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier);
  if (!m) throw new Error(`not a SCRAM verifier: ${verifier.slice(0, 20)}`);
  const salted = pbkdf2Sync(password, Buffer.from(m[2], "base64"), Number(m[1]), 32, "sha256");
  const stored = createHash("sha256").update(createHmac("sha256", salted).update("Client Key").digest()).digest();
  return timingSafeEqual(stored, Buffer.from(m[3], "base64"));
}

async function assertRolePasswords(keyring: Keyring, not?: Keyring): Promise<number> {
  const kitchens = await env.t.db.kitchen.findMany({ where: { deletedAt: null }, select: { schemaName: true, environmentId: true, environment: { select: { warehouseDb: true } } } });
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    for (const k of kitchens) {
      const r = await admin.query<{ rolpassword: string }>("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [kitchenRoleName(k.schemaName, k.environment.warehouseDb)]);
      expect(r.rowCount, k.schemaName).toBe(1);
      expect(scramMatches(r.rows[0].rolpassword, kitchenRolePassword(keyring, k.environmentId, k.schemaName)), k.schemaName).toBe(true);
      if (not) expect(scramMatches(r.rows[0].rolpassword, kitchenRolePassword(not, k.environmentId, k.schemaName)), k.schemaName).toBe(false);
    }
  } finally {
    await admin.end();
  }
  return kitchens.length;
}

describe("pnpm galley rotate-kek (vault README, Rotation)", () => {
  it("key file: add-key, restart, rotate-kek, finish; every secret reads and every Kitchen role logs in with the new key", async () => {
    const before = keyringFromFile();
    const values = await allSecretValues(before);
    expect(Object.values(values)).toContain(CANARY);
    expect(await assertRolePasswords(before)).toBeGreaterThanOrEqual(3);

    // Step 1.
    const add = await galley(["rotate-kek", "add-key"]);
    expect(add.code, add.out).toBe(0);
    expect(add.out).toContain("restart web and worker");
    // Step 2: a restarted process loads the file again: new key first, the old one below it.
    const restarted = keyringFromFile();
    expect(restarted.activeKekId).not.toBe(before.activeKekId);
    expect(restarted.keys.has(before.activeKekId)).toBe(true);
    // Step 3.
    const rewrap = await galley(["rotate-kek"]);
    expect(rewrap.code, rewrap.out).toBe(0);
    expect(rewrap.out).toMatch(/\d+ secrets re-wrapped/);
    expect(rewrap.out).toContain("0 still on older keys");
    // Step 4.
    const finish = await galley(["rotate-kek", "finish"]);
    expect(finish.code, finish.out).toBe(0);
    expect(readFileSync(kekFile(), "utf8").trim().split("\n")).toHaveLength(1);

    const after = keyringFromFile();
    expect([...after.keys.keys()]).toEqual([restarted.activeKekId]);
    expect(await allSecretValues(after)).toEqual(values);
    await assertRolePasswords(after, before);
    // The audit trail records the re-wrap without values.
    const audit = await env.t.db.auditLog.findMany({ where: { action: "vault.rewrap" } });
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain(CANARY);
  }, 300_000);

  it("GALLEY_KEK and GALLEY_KEK_OLD: set the new key and the old, restart, rotate-kek, finish, drop GALLEY_KEK_OLD", async () => {
    const old = keyringFromFile();
    const oldKek = readFileSync(kekFile(), "utf8").trim();
    const values = await allSecretValues(old);
    const fresh = generateKek();
    const vars = { GALLEY_KEK: fresh, GALLEY_KEK_OLD: oldKek };
    // add-key is for key files: with GALLEY_KEK it explains what to do instead.
    const wrong = await galley(["rotate-kek", "add-key"], vars);
    expect(wrong.code).not.toBe(0);
    expect(wrong.out).toContain("GALLEY_KEK_OLD");
    // finish before the re-wrap is refused: secrets still need the old key.
    const early = await galley(["rotate-kek", "finish"], vars);
    expect(early.code).not.toBe(0);
    expect(early.out).toMatch(/secret\(s\) on k[0-9a-f]{12}/);

    const rewrap = await galley(["rotate-kek"], vars);
    expect(rewrap.code, rewrap.out).toBe(0);
    const finish = await galley(["rotate-kek", "finish"], vars);
    expect(finish.code, finish.out).toBe(0);
    expect(finish.out).toContain("remove GALLEY_KEK_OLD");

    // Restarted with GALLEY_KEK only.
    const after = loadKeyring({ kek: fresh, kekFile: kekFile(), create: false });
    expect(after.keys.size).toBe(1);
    expect(await allSecretValues(after)).toEqual(values);
    await assertRolePasswords(after, old);
  }, 300_000);

  it("web and worker load GALLEY_KEK_OLD from the configuration (it was documented but not wired)", async () => {
    const { loadConfig } = await import("@galley/core");
    expect(loadConfig({ GALLEY_KEK_OLD: "a,b" } as NodeJS.ProcessEnv).GALLEY_KEK_OLD).toBe("a,b");
    for (const file of ["apps/web/lib/vault-deps.ts", "apps/worker/src/main.ts", "scripts/seed.ts"]) {
      expect(readFileSync(path.join(ROOT, file), "utf8"), file).toMatch(/GALLEY_KEK_OLD/);
    }
  });
});
