// A fresh galley_e2e database: dropped if left over, created, migrated, seeded with the demo
// organisation (users, environments, Kitchens production → dev → padma_feature).
import pg from "pg";
import { closeDb } from "@galley/db";
import { migrate, MIGRATIONS_DIR } from "@galley/db/migrate";
import { adminUrl } from "@galley/db/testing";
import { seedDemo } from "../../../scripts/seed-demo";
import { E2E_DATABASE, E2E_DATABASE_URL } from "./e2e-env";

export default async function globalSetup() {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${E2E_DATABASE}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${E2E_DATABASE}"`);
  } finally {
    await admin.end();
  }
  await migrate(E2E_DATABASE_URL, MIGRATIONS_DIR);
  await seedDemo({ databaseUrl: E2E_DATABASE_URL });
  await closeDb(E2E_DATABASE_URL);
}
