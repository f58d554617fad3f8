// `pnpm db:migrate`: creates the database if needed and applies pending SQL migrations.
import { loadConfig } from "@galley/core";
import { ensureDatabase, migrate, MIGRATIONS_DIR } from "@galley/db/migrate";

const config = loadConfig();
await ensureDatabase(config.DATABASE_URL);
const r = await migrate(config.DATABASE_URL, MIGRATIONS_DIR, (m) => console.log(`[migrate] ${m}`));
console.log(`[migrate] ${r.applied.length} applied, ${r.skipped.length} already applied`);
