// Test and benchmark world: a migrated metadata database, two warehouses (production and
// development, separate databases), a bare repository in a temporary folder, users of every
// role, and the production → dev Kitchen tree with real schemas. Real services, no mocks.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Db } from "@galley/db";
import { createScratchDatabase, createTestDatabase } from "@galley/db/testing";
import { AnalyticsRepo } from "@galley/git";
import { createKeyring, generateKek, parseKek, setSecret } from "@galley/vault";
import { connFromUrl, createKitchenSchema, kitchenRoleName, openWarehouse, type Warehouse } from "@galley/warehouse";
import type { KitchenActor, KitchensDeps } from "../deps";
import { warehouseSchemas } from "../deps";
import { EnvironmentWarehouses } from "../environment-warehouses";

export const ROLES = { eric: "production", chris: "dataops", padma: "developer", maya: "viewer", ada: "admin", sam: "developer" } as const;
export type Person = keyof typeof ROLES;

export const PIPELINE_YAML = `name: demo
description: Counts orders.
nodes:
  - id: count_orders
    type: sql
    sql: select count(*) from orders
`;

export const BASE_FILES: Record<string, string> = {
  "README.md": "# Analytics\n",
  "pipelines/demo/pipeline.yaml": PIPELINE_YAML,
  "sql/shared.sql": "select 1;\n",
};

export interface KitchenFixture {
  db: Db;
  dbUrl: string;
  deps: KitchensDeps;
  repo: AnalyticsRepo;
  repoDir: string;
  users: Record<Person, KitchenActor>;
  env: { production: string; development: string };
  /** Direct connections for assertions. */
  wh: { production: Warehouse; development: Warehouse };
  /** The warehouses' URLs (Galley's user), e.g. to log in as a Kitchen role instead. */
  urls: { production: string; development: string };
  kitchens: { production: string; dev: string };
  /** The vault's key (base64), for a second process opening the same vault. */
  kek: string;
  cleanup(): Promise<void>;
}

export interface FixtureOptions {
  files?: Record<string, string>;
  /** SQL run in the production warehouse after `CREATE SCHEMA production` (defaults to customers + orders). */
  productionSql?: string;
  /** Data policy of the development environment (default: views). */
  developmentPolicy?: object;
}

const DEFAULT_PRODUCTION_SQL = `
  CREATE TABLE production.customers (id int PRIMARY KEY, name text, email text, region text);
  INSERT INTO production.customers SELECT i, 'Customer ' || i, 'customer' || i || '@example.com', (ARRAY['north','south','east'])[1 + i % 3] FROM generate_series(1, 1000) i;
  CREATE TABLE production.orders (id int PRIMARY KEY, customer_id int, amount numeric(12,2));
  INSERT INTO production.orders SELECT i, 1 + i % 1000, (i % 97) + 0.5 FROM generate_series(1, 5000) i;
  ANALYZE production.customers; ANALYZE production.orders;`;

export async function createKitchenFixture(opts: FixtureOptions = {}): Promise<KitchenFixture> {
  const t = await createTestDatabase();
  const [prodDb, devDb] = await Promise.all([createScratchDatabase("whp"), createScratchDatabase("whd")]);
  const root = mkdtempSync(path.join(tmpdir(), "galley-kitchens-"));
  const repoDir = path.join(root, "repo.git");
  const repo = await AnalyticsRepo.init(repoDir, { defaultBranch: "production" });
  await repo.seed("production", opts.files ?? BASE_FILES, { name: "Eric", email: "eric@galley.test" }, "Initial analytics");
  await repo.createBranch("dev", "production");

  const db = t.db;
  const users = {} as Record<Person, KitchenActor>;
  for (const [name, role] of Object.entries(ROLES) as [Person, KitchenActor["role"]][]) {
    const u = await db.user.create({ data: { email: `${name}@galley.test`, name: name[0].toUpperCase() + name.slice(1), role, passwordHash: "unused" }, select: { id: true } });
    users[name] = { id: u.id, email: `${name}@galley.test`, name: name[0].toUpperCase() + name.slice(1), role };
  }
  const envRow = async (name: string, kind: "production" | "development", url: string, dataPolicy: object) => {
    const c = connFromUrl(url);
    return (await db.environment.create({
      data: { name, kind, warehouseHost: c.host, warehousePort: c.port, warehouseDb: c.database, warehouseUser: c.user, dataPolicy },
      select: { id: true },
    })).id;
  };
  const env = {
    production: await envRow("production", "production", prodDb.url, { default: "copy" }),
    development: await envRow("development", "development", devDb.url, opts.developmentPolicy ?? { default: "view" }),
  };
  const kek = generateKek();
  const keyring = createKeyring(parseKek(kek, "test"));
  for (const envId of Object.values(env)) {
    // Trust auth here: the password is ignored by the server but still travels through the vault.
    await setSecret({ db, keyring }, { environmentId: envId, name: "WAREHOUSE_PASSWORD", value: "not-needed-locally", actorId: users.ada.id });
  }

  const production = await db.kitchen.create({
    data: {
      name: "production", branch: "production", schemaName: "production", environmentId: env.production, createdById: users.eric.id,
      staff: { create: [{ userId: users.eric.id, isOwner: true }, { userId: users.ada.id }, { userId: users.padma.id }] },
      variables: { create: [{ name: "REGION", value: "all" }, { name: "THRESHOLD", value: "10" }] },
    },
    select: { id: true },
  });
  const dev = await db.kitchen.create({
    data: {
      name: "dev", branch: "dev", schemaName: "dev", parentId: production.id, environmentId: env.development, createdById: users.chris.id,
      staff: { create: [{ userId: users.chris.id, isOwner: true }, { userId: users.padma.id }, { userId: users.eric.id }, { userId: users.maya.id }] },
      variables: { create: [{ name: "REGION", value: "north" }, { name: "THRESHOLD", value: "10", inheritedFrom: "production" }] },
    },
    select: { id: true },
  });

  const wh = { production: openWarehouse(connFromUrl(prodDb.url)), development: openWarehouse(connFromUrl(devDb.url)) };
  await wh.production.query(`CREATE SCHEMA production; ${opts.productionSql ?? DEFAULT_PRODUCTION_SQL}`);
  await createKitchenSchema(wh.development, { schema: "dev", parentSchema: "production", source: wh.production, policy: { default: "copy" } });

  const warehouses = new EnvironmentWarehouses(db, { keyring: () => keyring, applicationName: "galley-test" });
  const deps: KitchensDeps = { db, git: repo, warehouses, schemas: warehouseSchemas };
  return {
    db, dbUrl: t.url, deps, repo, repoDir, users, env, wh, urls: { production: prodDb.url, development: devDb.url },
    kitchens: { production: production.id, dev: dev.id },
    kek,
    cleanup: async () => {
      await warehouses.closeAll();
      await Promise.all([wh.production.close(), wh.development.close()]);
      await Promise.all([t.drop(), prodDb.drop(), devDb.drop()]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Schemas of a warehouse other than PostgreSQL's own. */
export async function userSchemas(wh: Warehouse): Promise<string[]> {
  const r = await wh.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public') ORDER BY 1`);
  return r.rows.map((x) => x.nspname);
}

/** Everything a Kitchen named `name` could have left behind. */
export async function traces(f: KitchenFixture, name: string) {
  const [branch, devSchemas, prodSchemas, rows, role] = await Promise.all([
    f.repo.branchExists(name),
    userSchemas(f.wh.development),
    userSchemas(f.wh.production),
    f.db.kitchen.count({ where: { name, deletedAt: null } }),
    // Roles are cluster-wide (named per database): one query answers for both warehouses.
    f.wh.development.query(`SELECT 1 FROM pg_roles WHERE rolname = ANY($1::text[])`, [
      [kitchenRoleName(name, connFromUrl(f.urls.development).database), kitchenRoleName(name, connFromUrl(f.urls.production).database)],
    ]),
  ]);
  return { branch, schema: devSchemas.includes(name) || prodSchemas.includes(name), role: role.rowCount! > 0, liveRows: rows };
}
