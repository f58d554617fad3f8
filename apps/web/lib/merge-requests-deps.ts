// Composition root of merge requests: the Kitchens ports (git, warehouses) and no alerts hook yet.
import type { MergeRequestsDeps } from "@galley/merge-requests";
import { kitchensDeps } from "./kitchens-deps";

export async function mergeRequestsDeps(): Promise<MergeRequestsDeps> {
  const k = await kitchensDeps();
  return { db: k.db, git: k.git, warehouses: k.warehouses };
}
