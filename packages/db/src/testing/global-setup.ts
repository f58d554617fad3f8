import pg from "pg";
import { migrate, MIGRATIONS_DIR } from "../migrate";
import { adminUrl, TEMPLATE_DB, withDatabase } from "./urls";

/** Migrates the template database once per test run; each test file clones it (fast). */
export default async function setup() {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [TEMPLATE_DB]);
    await admin.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DB}"`);
    await admin.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
    // Leftovers of killed test runs.
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'galley_t\\_%' AND datname <> $1`,
      [TEMPLATE_DB],
    );
    for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`).catch(() => {});
  } finally {
    await admin.end();
  }
  await migrate(withDatabase(adminUrl(), TEMPLATE_DB), MIGRATIONS_DIR);
}
