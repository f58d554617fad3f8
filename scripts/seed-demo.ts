// Demo organisation: users, environments, the Kitchen tree. Idempotent: running it twice
// leaves the same rows (upserts by natural key; passwords are not re-hashed).
import { hashPassword } from "@galley/auth";
import { getDb, type Db } from "@galley/db";
import { AnalyticsRepo } from "@galley/git";
import { seedRepository, seedVault, seedWarehouses } from "./seed-demo-data";
import { seedDemoHistory } from "./seed-demo-history";
import { seedDemoAlerts } from "./seed-demo-alerts";
import { quoteIdent } from "@galley/core";
import { resolveGalleyCredentials } from "@galley/vault";

export const DEMO_PASSWORD = "galley-demo-2026";

export const DEMO_USERS = [
  { email: "admin@galley.local", name: "Ada (admin)", role: "admin" },
  { email: "padma@galley.local", name: "Padma", role: "developer" },
  { email: "chris@galley.local", name: "Chris", role: "dataops" },
  { email: "eric@galley.local", name: "Eric", role: "production" },
  { email: "maya@galley.local", name: "Maya (manager)", role: "viewer" },
] as const;

export interface SeedOptions {
  databaseUrl: string;
  /** Galley's data directory (analytics repo, vault key). Without it only database rows are seeded. */
  dataDir?: string;
  kek?: string;
  /** GALLEY_KEK_OLD during a rotation: older keys that still open secrets. */
  oldKeks?: string;
  kekFile?: string;
  /** Warehouse server for the demo environments; databases galley_wh_dev / galley_wh_prod live there. */
  warehouseHost?: string;
  warehousePort?: number;
  warehouseUser?: string;
  warehouseDbPrefix?: string;
  /** Weeks of run history with test results for the dashboard (the demo, not tests that count runs). */
  history?: boolean;
}

async function upsertUsers(db: Db) {
  const byEmail = new Map<string, string>();
  for (const u of DEMO_USERS) {
    const existing = await db.user.findUnique({ where: { email: u.email }, select: { id: true } });
    if (existing) {
      byEmail.set(u.email, existing.id);
      continue;
    }
    const created = await db.user.create({
      data: { email: u.email, name: u.name, role: u.role, passwordHash: await hashPassword(DEMO_PASSWORD) },
      select: { id: true },
    });
    byEmail.set(u.email, created.id);
  }
  return byEmail;
}

async function upsertEnvironments(db: Db, o: { warehouseHost: string; warehousePort: number; warehouseUser: string; warehouseDbPrefix: string }) {
  const envs = [
    { name: "production", kind: "production" as const, description: "Locked production toolchain", db: `${o.warehouseDbPrefix}_prod`, policy: { default: "copy" } },
    { name: "development", kind: "development" as const, description: "Shared development toolchain", db: `${o.warehouseDbPrefix}_dev`, policy: { default: "view" } },
  ];
  const ids = new Map<string, string>();
  for (const e of envs) {
    const row = await db.environment.upsert({
      where: { name: e.name },
      update: {},
      create: {
        name: e.name,
        kind: e.kind,
        description: e.description,
        warehouseHost: o.warehouseHost,
        warehousePort: o.warehousePort,
        warehouseDb: e.db,
        warehouseUser: o.warehouseUser,
        dataPolicy: e.policy,
      },
      select: { id: true },
    });
    ids.set(e.name, row.id);
  }
  return ids;
}

async function upsertKitchen(
  db: Db,
  k: { name: string; parentId: string | null; environmentId: string; createdById: string; staff: string[]; description: string },
) {
  const existing = await db.kitchen.findFirst({ where: { name: k.name, deletedAt: null }, select: { id: true } });
  const row =
    existing ??
    (await db.kitchen.create({
      data: {
        name: k.name,
        description: k.description,
        parentId: k.parentId,
        branch: k.name,
        environmentId: k.environmentId,
        schemaName: k.name,
        createdById: k.createdById,
      },
      select: { id: true },
    }));
  for (const [i, userId] of k.staff.entries()) {
    await db.kitchenStaff.upsert({
      where: { kitchenId_userId: { kitchenId: row.id, userId } },
      update: {},
      create: { kitchenId: row.id, userId, isOwner: i === 0 },
    });
  }
  return row.id;
}

export async function seedDemo(opts: SeedOptions): Promise<{ users: number; kitchens: string[]; warehouses?: Record<string, string>; history?: { runs: number; testResults: number } }> {
  const db = getDb(opts.databaseUrl);
  const dbUrl = new URL(opts.databaseUrl);
  const o = {
    warehouseHost: opts.warehouseHost ?? dbUrl.hostname,
    warehousePort: opts.warehousePort ?? Number(dbUrl.port || 5432),
    warehouseUser: opts.warehouseUser ?? (decodeURIComponent(dbUrl.username) || "postgres"),
    warehouseDbPrefix: opts.warehouseDbPrefix ?? "galley_wh",
  };
  const users = await upsertUsers(db);
  const envs = await upsertEnvironments(db, o);
  const u = (email: string) => users.get(email)!;
  const production = await upsertKitchen(db, {
    name: "production", parentId: null, environmentId: envs.get("production")!, createdById: u("eric@galley.local"),
    staff: [u("eric@galley.local"), u("admin@galley.local")], description: "Production: what the business reads",
  });
  const dev = await upsertKitchen(db, {
    name: "dev", parentId: production, environmentId: envs.get("development")!, createdById: u("chris@galley.local"),
    staff: [u("chris@galley.local"), u("padma@galley.local"), u("eric@galley.local")], description: "Shared development, owned by DataOps",
  });
  await upsertKitchen(db, {
    name: "padma_feature", parentId: dev, environmentId: envs.get("development")!, createdById: u("padma@galley.local"),
    staff: [u("padma@galley.local")], description: "Padma's feature work",
  });
  const kitchens = ["production", "dev", "padma_feature"];
  if (!opts.dataDir) return { users: users.size, kitchens, history: opts.history ? await seedDemoHistory(db) : undefined };

  await seedRepository(`${opts.dataDir}/repo.git`, [
    { name: "production", parent: null },
    { name: "dev", parent: "production" },
    { name: "padma_feature", parent: "dev" },
  ]);
  const keyring = await seedVault(db, opts.kekFile ?? `${opts.dataDir}/kek`, opts.kek, opts.oldKeks, [...envs].map(([name, id]) => ({ name, id })), u("admin@galley.local"));
  const conn = (database: string) => ({ host: o.warehouseHost, port: o.warehousePort, user: o.warehouseUser, database });
  // Galley's own warehouse password of each environment (a Galley credential, never a pipeline's).
  const password = async (name: string) => (await resolveGalleyCredentials({ db, keyring }, { environmentId: envs.get(name)! })).WAREHOUSE_PASSWORD;
  const seeded = await seedWarehouses(
    [
      { name: "production", id: envs.get("production")!, conn: conn(`${o.warehouseDbPrefix}_prod`), galleyPassword: await password("production") },
      { name: "development", id: envs.get("development")!, conn: conn(`${o.warehouseDbPrefix}_dev`), galleyPassword: await password("development") },
    ],
    keyring,
  );
  // Environments connect as Galley's non-superuser role, not as the seed's superuser.
  for (const [name, user] of Object.entries(seeded.users)) {
    await db.environment.update({ where: { id: envs.get(name)! }, data: { warehouseUser: user }, select: { id: true } });
  }
  const warehouses = seeded.report;
  // Kitchen roles live on the same cluster in the demo: they may not even connect to Galley's own database.
  await db.$executeRawUnsafe(`REVOKE CONNECT ON DATABASE ${quoteIdent(decodeURIComponent(dbUrl.pathname.slice(1)))} FROM PUBLIC`);
  let history: { runs: number; testResults: number } | undefined;
  if (opts.history) {
    const repo = await AnalyticsRepo.open(`${opts.dataDir}/repo.git`);
    const commits = Object.fromEntries(await Promise.all(kitchens.map(async (k) => [k, await repo.headOf(k)] as const)));
    history = await seedDemoHistory(db, { commits });
  }
  // Alert routes to the demo's local receiver and enabled schedules: the demo only (they would
  // fire in tests that seed the same organisation).
  if (opts.history) await seedDemoAlerts(db, `${opts.dataDir}/repo.git`, keyring);
  return { users: users.size, kitchens, warehouses, history };
}
