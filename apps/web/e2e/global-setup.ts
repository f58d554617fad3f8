// A fresh galley_e2e database (dropped if left over, created, migrated) and the full demo seed:
// users, environments, Kitchens production → dev → padma_feature, the analytics repository,
// vault secrets and warehouse data. Then a worker, so runs started in the browser execute.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { closeDb } from "@galley/db";
import { migrate, MIGRATIONS_DIR } from "@galley/db/migrate";
import { adminUrl } from "@galley/db/testing";
import { seedDemo } from "../../../scripts/seed-demo";
import { E2E_DATA_DIR, E2E_DATABASE, E2E_DATABASE_URL, E2E_ENV, E2E_WAREHOUSE_PREFIX } from "./e2e-env";

const ROOT = path.resolve(import.meta.dirname, "../../..");

export default async function globalSetup() {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    for (const db of [E2E_DATABASE, `${E2E_WAREHOUSE_PREFIX}_dev`, `${E2E_WAREHOUSE_PREFIX}_prod`]) {
      await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE "${E2E_DATABASE}"`);
  } finally {
    await admin.end();
  }
  await migrate(E2E_DATABASE_URL, MIGRATIONS_DIR);
  await seedDemo({ databaseUrl: E2E_DATABASE_URL, dataDir: E2E_DATA_DIR, warehouseDbPrefix: E2E_WAREHOUSE_PREFIX });
  await closeDb(E2E_DATABASE_URL);

  const worker = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "apps/worker/src/main.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...E2E_ENV },
    stdio: ["ignore", "ignore", "inherit"],
    detached: false,
  });
  writeFileSync(path.join(E2E_DATA_DIR, "worker.pid"), String(worker.pid));
  return async () => {
    worker.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1000));
    if (worker.exitCode === null) worker.kill("SIGKILL");
  };
}
