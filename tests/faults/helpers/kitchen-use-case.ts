// A second process running one Kitchen use case, the way the web process does, so the faults
// suite can kill it at a named step (GALLEY_CRASH_AT, read through loadConfig like the web's).
// argv[2]: JSON { use: "create" | "delete" | "merge", dbUrl, repoDir, kek, input, actor }.
import { loadConfig } from "@galley/core";
import { getDb } from "@galley/db";
import { AnalyticsRepo } from "@galley/git";
import { createKitchen, crashAt, deleteKitchen, EnvironmentWarehouses, mergeKitchen, warehouseSchemas, type KitchensDeps } from "@galley/kitchens";
import { createKeyring, parseKek } from "@galley/vault";

const args = JSON.parse(process.argv[2]);
const config = loadConfig();
const db = getDb(args.dbUrl);
const keyring = createKeyring(parseKek(args.kek, "test"));
const warehouses = new EnvironmentWarehouses(db, { keyring: () => keyring, applicationName: "galley-faults" });
const deps: KitchensDeps = {
  db, git: await AnalyticsRepo.open(args.repoDir), warehouses, schemas: warehouseSchemas,
  checkpoint: crashAt(config.GALLEY_CRASH_AT), operationLeaseMs: Number(args.leaseMs ?? 1000),
};
try {
  const out =
    args.use === "create" ? await createKitchen(deps, args.input, args.actor)
    : args.use === "delete" ? await deleteKitchen(deps, args.input, args.actor)
    : await mergeKitchen(deps, args.input, args.actor);
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
  await warehouses.closeAll();
  process.exit(0);
} catch (e) {
  process.stdout.write(`ERROR ${(e as Error).message}\n`);
  process.exit(3);
}
