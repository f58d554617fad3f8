// `pnpm db:seed`: seeds the demo organisation into DATABASE_URL.
import { loadConfig } from "@galley/core";
import { closeDb } from "@galley/db";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "./seed-demo";

const config = loadConfig();
const result = await seedDemo({ databaseUrl: config.DATABASE_URL, dataDir: config.GALLEY_DATA_DIR, kek: config.GALLEY_KEK, oldKeks: config.GALLEY_KEK_OLD, kekFile: config.kekFile, history: true });
for (const [k, v] of Object.entries(result.warehouses ?? {})) console.log(`[seed] warehouse data for ${k}: ${v}`);
if (result.history?.runs) console.log(`[seed] run history: ${result.history.runs} runs, ${result.history.testResults} test results`);
console.log(`[seed] demo organisation ready: ${result.users} users, Kitchens ${result.kitchens.join(" → ")}`);
console.log(`[seed] sign in as ${DEMO_USERS.map((u) => `${u.email} (${u.role})`).join(", ")}; password: ${DEMO_PASSWORD}`);
await closeDb(config.DATABASE_URL);
