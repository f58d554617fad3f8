// Composition root of merge requests: the Kitchens ports (git, warehouses) and the alerts hook
// (opened, approved, merged go to the routes of the target and the source Kitchen).
import { emitMergeRequestAlertInTx } from "@galley/alerts";
import type { MergeRequestsDeps } from "@galley/merge-requests";
import { kitchensDeps } from "./kitchens-deps";

export async function mergeRequestsDeps(): Promise<MergeRequestsDeps> {
  const k = await kitchensDeps();
  return {
    db: k.db,
    git: k.git,
    warehouses: k.warehouses,
    notify: async (tx, e) => void (await emitMergeRequestAlertInTx(tx, { event: e.kind, requestId: e.requestId, reviewId: e.reviewId, kitchenIds: [e.targetKitchenId, e.sourceKitchenId] })),
  };
}
