import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { MIGRATIONS_DIR } from "../migrate";

/**
 * The template is named after a hash of the migrations, so parallel test runs share one built
 * template and a changed migration builds a new one instead of dropping a template in use.
 */
function migrationsHash(): string {
  const h = createHash("sha256");
  for (const name of readdirSync(MIGRATIONS_DIR).sort()) h.update(name).update(readFileSync(path.join(MIGRATIONS_DIR, name, "migration.sql")));
  return h.digest("hex").slice(0, 10);
}

export const TEMPLATE_DB = `galley_t_tpl_${migrationsHash()}`;

/** A superuser URL on the test server (tests create and drop databases). */
export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
