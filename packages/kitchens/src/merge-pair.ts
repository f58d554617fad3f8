import { AppError } from "@galley/core";
import type { KitchensDeps } from "./deps";
import { findLiveById, type KitchenRecord } from "./kitchen-repository";
import type { TMergeDirection } from "./schemas";

export interface MergePair {
  source: KitchenRecord;
  target: KitchenRecord;
}

/** down = the parent into `k`; up = `k` into its parent. */
export async function mergePairOf(deps: Pick<KitchensDeps, "db">, k: KitchenRecord, direction: TMergeDirection): Promise<MergePair> {
  if (!k.parentId) throw new AppError("invalid_input", `${k.name} is the root Kitchen: it has no parent to merge with`, { field: "direction" });
  const parent = await findLiveById(k.parentId, deps.db);
  if (!parent) throw new AppError("not_found", `the parent of Kitchen ${k.name} no longer exists`, { field: "direction" });
  return direction === "down" ? { source: parent, target: k } : { source: k, target: parent };
}

export const mergeLockKey = (targetKitchenId: string) => `galley:merge-into:${targetKitchenId}`;
