// `pnpm bench <name>` runs bench/<name>.ts. Each benchmark starts or reuses what it needs.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

const dir = path.dirname(new URL(import.meta.url).pathname);
const name = process.argv[2];
const available = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_")).map((f) => f.slice(0, -3));
if (!name || !existsSync(path.join(dir, `${name}.ts`))) {
  console.error(`usage: pnpm bench <name>\navailable: ${available.join(", ") || "(none)"}`);
  process.exit(2);
}
// Every benchmark talks to PostgreSQL and Redis: make sure they answer (starts them if not).
const services = spawnSync("bash", [path.join(dir, "../scripts/services.sh")], { stdio: ["ignore", "ignore", "inherit"] });
if (services.status !== 0) process.exit(services.status ?? 1);
const r = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, `${name}.ts`), ...process.argv.slice(3)], { stdio: "inherit" });
process.exit(r.status ?? 1);
