// The demo's git repository, vault secrets and warehouse data. Idempotent: what exists is kept.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Db } from "@galley/db";
import { ensureDatabase } from "@galley/db/migrate";
import { AnalyticsRepo } from "@galley/git";
import { kitchenRolePassword, loadKeyring, openSecret, setSecret, type Keyring } from "@galley/vault";
import { createKitchenSchema, ensureGalleyRole, ensureKitchenRole, galleyRoleName, openWarehouse, schemaExists, type Warehouse } from "@galley/warehouse";

const DEMO_REPO_DIR = path.join(import.meta.dirname, "demo-repo");
const AUTHOR = { name: "Galley demo", email: "admin@galley.local" };

function demoFiles(dir = DEMO_REPO_DIR, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) Object.assign(out, demoFiles(full, rel));
    else out[rel] = readFileSync(full, "utf8");
  }
  return out;
}

/** production ← dev ← padma_feature as branches, production holding the demo pipelines. */
export async function seedRepository(repoDir: string, kitchens: { name: string; parent: string | null }[]): Promise<void> {
  const repo = await AnalyticsRepo.init(repoDir, { defaultBranch: "production" });
  for (const k of kitchens) {
    if (await repo.branchExists(k.name)) continue;
    if (!k.parent) await repo.seed(k.name, demoFiles(), AUTHOR, "Demo analytics repository: orders_daily and smoke_test pipelines");
    else await repo.createBranch(k.name, k.parent);
  }
}

/** Returns the key ring, from which the Kitchens' role passwords are derived. */
export async function seedVault(db: Db, kekFile: string, kek: string | undefined, oldKeks: string | undefined, envs: { id: string; name: string }[], actorId: string): Promise<Keyring> {
  const keyring = loadKeyring({ kek, oldKeks, kekFile, create: true });
  for (const env of envs) {
    const existing = await db.vaultSecret.findUnique({ where: { environmentId_name: { environmentId: env.id, name: "WAREHOUSE_PASSWORD" } } });
    let readable = false;
    if (existing) {
      try {
        openSecret(keyring, { environmentId: env.id, name: existing.name, version: existing.version }, existing.ciphertext);
        readable = true;
      } catch {
        // Sealed under another key (this database was seeded with another data dir): the demo
        // value is known, so seal it again rather than leave runs failing.
        console.warn(`[seed] ${env.name} WAREHOUSE_PASSWORD was sealed with a key this data dir does not have; setting the demo value again`);
      }
    }
    if (!readable) {
      // Local demo warehouses use trust auth; the value still shows that secrets never reach logs.
      await setSecret({ db, keyring }, { environmentId: env.id, name: "WAREHOUSE_PASSWORD", value: `${env.name}-demo-password-2026`, actorId });
    }
  }
  return keyring;
}

async function seedProductionData(wh: Warehouse): Promise<void> {
  if (await schemaExists(wh, "production")) return;
  await wh.transaction(async (tx) => {
    await tx.query(`CREATE SCHEMA production`);
    await tx.query(`CREATE TABLE production.customers (id int PRIMARY KEY, name text, email text, region text, signed_up date)`);
    await tx.query(`INSERT INTO production.customers
      SELECT i, 'Customer ' || i, 'customer' || i || '@example.com', (ARRAY['north','south','east'])[1 + i % 3], date '2024-01-01' + (i % 600)
      FROM generate_series(1, 1000) i`);
    await tx.query(`CREATE TABLE production.orders_history (id int PRIMARY KEY, customer_id int, amount numeric(12,2), ordered_on date)`);
    await tx.query(`INSERT INTO production.orders_history
      SELECT i, 1 + (i * 7919) % 1000, round((5 + (i * 37) % 500)::numeric, 2), date '2025-01-01' + (i % 320)
      FROM generate_series(1, 20000) i`);
  });
}

/** Each demo Kitchen's schema, its environment, parents first (a child's grants name its parent's role). */
const KITCHEN_SCHEMAS = [
  { env: "production", schema: "production" },
  { env: "development", schema: "dev" },
  { env: "development", schema: "padma_feature" },
];

/**
 * Galley's own user in each warehouse database: a NON-superuser role (see @galley/warehouse
 * galley-role) with the environment's WAREHOUSE_PASSWORD, made with the seed's superuser
 * connection. Everything after this (data, Kitchens, their roles) runs as that role.
 */
async function galleyWarehouses(
  envs: { name: string; conn: { host: string; port: number; database: string; user: string }; galleyPassword: string }[],
): Promise<Map<string, { wh: Warehouse; user: string }>> {
  const out = new Map<string, { wh: Warehouse; user: string }>();
  for (const e of envs) {
    await ensureDatabase(`postgresql://${encodeURIComponent(e.conn.user)}@${e.conn.host}:${e.conn.port}/${e.conn.database}`);
    const admin = openWarehouse(e.conn, { applicationName: "galley-seed-admin" });
    const user = galleyRoleName(e.conn.database);
    try {
      await ensureGalleyRole(admin, { role: user, password: e.galleyPassword });
    } finally {
      await admin.close();
    }
    out.set(e.name, { user, wh: openWarehouse({ ...e.conn, user, password: e.galleyPassword }, { applicationName: "galley-seed" }) });
  }
  return out;
}

/**
 * Warehouses: production's schema holds the source data; dev (development warehouse) gets a
 * masked 50% sample streamed across, padma_feature gets zero-copy views over dev. Every Kitchen
 * gets its LOGIN role (created if missing, password always set, so a new key ring works).
 * Returns what was made and, per environment, Galley's warehouse user.
 */
export async function seedWarehouses(
  envs: { name: string; id: string; conn: { host: string; port: number; database: string; user: string }; galleyPassword: string }[],
  keyring: Keyring,
): Promise<{ report: Record<string, string>; users: Record<string, string> }> {
  const report: Record<string, string> = {};
  const galley = await galleyWarehouses(envs);
  const whs = new Map([...galley].map(([name, g]) => [name, g.wh]));
  try {
    const prod = whs.get("production")!;
    const dev = whs.get("development")!;
    await seedProductionData(prod);
    if (!(await schemaExists(dev, "dev"))) {
      const r = await createKitchenSchema(dev, {
        schema: "dev", parentSchema: "production", source: prod,
        policy: { default: "sample", sample: { percent: 50 }, masks: { customers: { email: { kind: "fake" }, name: { kind: "hash" } } } },
      });
      report.dev = r.tables.map((t) => `${t.table}:${t.mode}:${t.rows ?? "-"}`).join(" ");
    }
    if (!(await schemaExists(dev, "padma_feature"))) {
      const r = await createKitchenSchema(dev, { schema: "padma_feature", parentSchema: "dev", policy: { default: "view" } });
      report.padma_feature = r.tables.map((t) => `${t.table}:${t.mode}`).join(" ");
    }
    for (const k of KITCHEN_SCHEMAS) {
      const env = envs.find((e) => e.name === k.env)!;
      await ensureKitchenRole(whs.get(k.env)!, k.schema, { password: kitchenRolePassword(keyring, env.id, k.schema) });
    }
  } finally {
    await Promise.all([...whs.values()].map((w) => w.close()));
  }
  return { report, users: Object.fromEntries([...galley].map(([name, g]) => [name, g.user])) };
}
