// Composition root of the Kitchens domain: the analytics repository, one warehouse pool per
// environment (credentials from its vault) and the schema operations, built once per process.
import { AppError } from "@galley/core";
import { AnalyticsRepo } from "@galley/git";
import { crashAt, EnvironmentWarehouses, warehouseSchemas, type KitchensDeps } from "@galley/kitchens";
import { config } from "./config";
import { db, logger } from "./deps";
import { vaultDeps } from "./vault-deps";
import { SCHEDULE_MERGE_DRIVERS } from "@galley/schedules";

interface KitchensState {
  repo?: Promise<AnalyticsRepo>;
  repoDir?: string;
  warehouses?: EnvironmentWarehouses;
}

// On globalThis so Next's dev-server module reloads do not leak warehouse pools.
const state = ((globalThis as { __galleyKitchens?: KitchensState }).__galleyKitchens ??= {});

function repository(): Promise<AnalyticsRepo> {
  const dir = config().repoDir;
  if (!state.repo || state.repoDir !== dir) {
    state.repoDir = dir;
    // schedules.yaml changed in two Kitchens merges by schedule name, not by line.
    state.repo = AnalyticsRepo.open(dir, { mergeDrivers: SCHEDULE_MERGE_DRIVERS }).catch((e) => {
      state.repo = undefined; // created by the seed or the worker's first start: try again next time
      throw new AppError("unavailable", `the analytics repository at ${dir} is not initialised yet`, { cause: e });
    });
  }
  return state.repo;
}

function warehouses(): EnvironmentWarehouses {
  state.warehouses ??= new EnvironmentWarehouses(db(), { keyring: () => vaultDeps().keyring, applicationName: "galley-web" });
  return state.warehouses;
}

export async function kitchensDeps(): Promise<KitchensDeps> {
  // checkpoint: the faults suite's GALLEY_CRASH_AT hook (unset in production: no hook at all).
  return { db: db(), git: await repository(), warehouses: warehouses(), schemas: warehouseSchemas, logger: logger(), checkpoint: crashAt(config().GALLEY_CRASH_AT) };
}

/** Only the metadata database: for use cases that touch neither git nor a warehouse. */
export function kitchensDbDeps(): Pick<KitchensDeps, "db" | "logger"> {
  return { db: db(), logger: logger() };
}
