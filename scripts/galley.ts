// `pnpm galley <command>`: operator commands that run against DATABASE_URL / GALLEY_DATA_DIR.
import { loadConfig } from "@galley/core";
import { closeDb, getDb } from "@galley/db";
import { rotateKek, type RotateStep } from "./rotate-kek";

const USAGE = `usage: pnpm galley rotate-kek [add-key|finish]
  rotate-kek add-key   add a new active key to the key file (step 1; then restart web and worker)
  rotate-kek           re-wrap every secret and re-set every Kitchen role password (step 3)
  rotate-kek finish    drop old keys once no secret uses them (step 4)
See packages/vault/README.md, "Rotation".`;

const [command, arg, ...rest] = process.argv.slice(2);
if (command !== "rotate-kek" || rest.length > 0 || (arg !== undefined && arg !== "add-key" && arg !== "finish")) {
  console.error(USAGE);
  process.exit(2);
}
const config = loadConfig();
const step: RotateStep = arg === "add-key" ? "add-key" : arg === "finish" ? "finish" : "rewrap";
try {
  await rotateKek({ db: getDb(config.DATABASE_URL), kek: config.GALLEY_KEK, oldKeks: config.GALLEY_KEK_OLD, kekFile: config.kekFile, poolKeks: config.GALLEY_POOL_KEKS, step });
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
} finally {
  await closeDb(config.DATABASE_URL);
}
