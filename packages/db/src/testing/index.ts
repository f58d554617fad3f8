import { randomBytes } from "node:crypto";
import pg from "pg";
import { closeDb, getDb } from "../client";
import type { PrismaClient } from "../generated/client";
import { adminUrl, TEMPLATE_DB, withDatabase } from "./urls";

export { adminUrl, withDatabase, TEMPLATE_DB };

export interface TestDatabase {
  name: string;
  url: string;
  db: PrismaClient;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A migrated database of its own, cloned from the template; drop() removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `galley_t_${randomBytes(5).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DB}"`));
  const url = withDatabase(adminUrl(), name);
  return {
    name,
    url,
    db: getDb(url),
    drop: async () => {
      await closeDb(url);
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** An empty database (e.g. a warehouse) of its own. */
export async function createScratchDatabase(prefix = "wh"): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `galley_t_${prefix}_${randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: withDatabase(adminUrl(), name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

let counter = 0;
/** Unique suffix for rows so tests can run in parallel in one database. */
export function uniq(prefix = "x"): string {
  return `${prefix}_${process.pid.toString(36)}${(counter++).toString(36)}${randomBytes(2).toString("hex")}`;
}
