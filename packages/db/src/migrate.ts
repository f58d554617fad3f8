import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  skipped: string[];
}

const LOCK_KEY = 727_271_001; // any constant; only Galley's migrator takes it

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

export function checksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}

/** Reads prisma/migrations/<timestamp>_<name>/migration.sql in order. */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const files: MigrationFile[] = [];
  for (const name of entries) {
    const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8").catch(() => {
      throw new MigrationError(`migration ${name} has no migration.sql (${path.join(dir, name)})`);
    });
    files.push({ name, sql, checksum: checksum(sql) });
  }
  return files;
}

/**
 * Applies pending migrations, each in its own transaction, under an advisory lock so two
 * processes starting at once do not race. An applied migration whose file changed is refused:
 * migrations are never edited once applied.
 */
export async function migrate(databaseUrl: string, dir: string, log: (m: string) => void = () => {}): Promise<MigrateResult> {
  const files = await readMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS galley_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>("SELECT name, checksum FROM galley_migrations");
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    for (const name of applied.keys()) {
      if (!files.some((f) => f.name === name)) throw new MigrationError(`migration ${name} is applied in the database but missing from ${dir}`);
    }
    const result: MigrateResult = { applied: [], skipped: [] };
    for (const f of files) {
      const known = applied.get(f.name);
      if (known) {
        if (known !== f.checksum) {
          throw new MigrationError(
            `migration ${f.name} was edited after it was applied (checksum ${known.slice(0, 12)} in the database, ${f.checksum.slice(0, 12)} on disk): add a new migration instead`,
          );
        }
        result.skipped.push(f.name);
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(f.sql);
        await client.query("INSERT INTO galley_migrations (name, checksum) VALUES ($1, $2)", [f.name, f.checksum]);
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK");
        throw new MigrationError(`migration ${f.name} failed: ${(e as Error).message}`);
      }
      log(`applied ${f.name}`);
      result.applied.push(f.name);
    }
    return result;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

/** Creates the database named in the URL when it does not exist (connects to `postgres`). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (e) {
    // Two processes may race to create it; a duplicate is fine.
    if ((e as { code?: string }).code !== "42P04") throw e;
  } finally {
    await client.end();
  }
}

export const MIGRATIONS_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../prisma/migrations");
