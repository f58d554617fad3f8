import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client";

export type Db = PrismaClient;
export type { Prisma } from "./generated/client";

const clients = new Map<string, PrismaClient>();

/** Plain SQL reads, for read models on hot paths (see sqlOf). Rows as node-postgres parses them. */
export interface SqlReader {
  query<T>(text: string, values?: readonly unknown[]): Promise<T[]>;
}

const readers = new WeakMap<object, SqlReader>();

/** One client per database URL per process (Next.js dev reloads modules; globalThis keeps the pool). */
export function getDb(url: string): PrismaClient {
  const g = globalThis as unknown as { __galleyDb?: Map<string, PrismaClient> };
  const map = (g.__galleyDb ??= clients);
  let db = map.get(url);
  if (!db) {
    // Our pool, handed to the adapter, so that sqlOf() reads share its connections.
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    let adapter = new PrismaPg(pool, { disposeExternalPool: true });
    // The adapter takes a pool only if it is an instance of its own copy of pg (otherwise it would
    // read the pool as a configuration): then it gets the URL, and sqlOf falls back to Prisma.
    const shared = (adapter as unknown as { externalPool: unknown }).externalPool === pool;
    if (!shared) {
      void pool.end();
      adapter = new PrismaPg({ connectionString: url, max: 10 });
    }
    db = new PrismaClient({ adapter });
    if (shared) readers.set(db, { query: async (text, values) => (await pool.query({ text, values: values as unknown[] })).rows });
    map.set(url, db);
  }
  return db;
}

/**
 * Plain SQL on the same connections as `db`, for read models on hot paths: a statement through
 * the Prisma client cost 0.5 to 1.6 ms of CPU, through node-postgres about 0.3 ms (measured on
 * the runs list). Node-postgres' types: timestamptz → Date, json → values, int8 and numeric →
 * strings (cast in SQL where a number is wanted). Clients not made by getDb (a transaction) go
 * through $queryRawUnsafe, which takes the same $1 parameters.
 */
export function sqlOf(db: Pick<PrismaClient, "$queryRawUnsafe">): SqlReader {
  return readers.get(db) ?? { query: (text, values) => db.$queryRawUnsafe(text, ...(values ?? [])) };
}

export async function closeDb(url: string): Promise<void> {
  const g = globalThis as unknown as { __galleyDb?: Map<string, PrismaClient> };
  const db = g.__galleyDb?.get(url);
  if (db) {
    g.__galleyDb!.delete(url);
    await db.$disconnect();
  }
}
