import type { Db } from "@galley/db";
import { uniq } from "@galley/db/testing";
import type { RunPlanNode } from "./create-run";

/** A Kitchen row (with its environment) to hang runs on. */
export async function seedKitchenRow(db: Db): Promise<{ kitchenId: string; environmentId: string; name: string }> {
  const name = uniq("k");
  const env = await db.environment.create({ data: { name: uniq("env"), kind: "development", warehouseHost: "127.0.0.1", warehouseDb: "x", warehouseUser: "postgres" } });
  const k = await db.kitchen.create({ data: { name, branch: name, schemaName: name, environmentId: env.id } });
  return { kitchenId: k.id, environmentId: env.id, name };
}

/** Plan nodes from a deps map (node → upstreams), every node selected. */
export function planFromDeps(deps: Record<string, string[]>, maxAttempts = 1): RunPlanNode[] {
  return Object.entries(deps).map(([id, ups]) => ({ id, type: "sql", deps: ups, remainingDeps: ups.length, reused: false, maxAttempts }));
}
