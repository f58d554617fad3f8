import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

export type Db = PrismaClient;
export type { Prisma } from "./generated/client";

const clients = new Map<string, PrismaClient>();

/** One client per database URL per process (Next.js dev reloads modules; globalThis keeps the pool). */
export function getDb(url: string): PrismaClient {
  const g = globalThis as unknown as { __galleyDb?: Map<string, PrismaClient> };
  const map = (g.__galleyDb ??= clients);
  let db = map.get(url);
  if (!db) {
    db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
    map.set(url, db);
  }
  return db;
}

export async function closeDb(url: string): Promise<void> {
  const g = globalThis as unknown as { __galleyDb?: Map<string, PrismaClient> };
  const db = g.__galleyDb?.get(url);
  if (db) {
    g.__galleyDb!.delete(url);
    await db.$disconnect();
  }
}
