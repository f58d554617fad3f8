import pg from "pg";
import { migrate, MIGRATIONS_DIR } from "../migrate";
import { adminUrl, TEMPLATE_DB, withDatabase } from "./urls";

const LOCK = 727_271_002;

/**
 * Builds the migrated template database once (per migrations hash); each test file clones it.
 * Built under a new name and renamed, under an advisory lock, so concurrent runs never see a
 * half-migrated template.
 */
export default async function setup() {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query("SELECT pg_advisory_lock($1)", [LOCK]);
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [TEMPLATE_DB]);
    if (!exists.rowCount) {
      const building = `${TEMPLATE_DB}_building`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${building}"`);
      await migrate(withDatabase(adminUrl(), building), MIGRATIONS_DIR);
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${TEMPLATE_DB}"`);
    }
    if (process.env.CI === "true") {
      // Older templates are no longer needed. Only in CI: checkouts side by side with other
      // migrations (parallel branches) share the server, and each needs its own template.
      const old = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'galley\\_t\\_tpl\\_%' AND datname <> $1`, [TEMPLATE_DB]);
      for (const r of old.rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}"`).catch(() => {});
      // Leftovers of killed runs; only in CI, where no other run shares the server.
      const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'galley\\_t\\_%' AND datname NOT LIKE 'galley\\_t\\_tpl\\_%'`);
      for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`).catch(() => {});
    }
  } finally {
    await admin.query("SELECT pg_advisory_unlock($1)", [LOCK]).catch(() => {});
    await admin.end();
  }
}
