// Merge request events (opened, approved, merged) into the alert pipeline: an `alert.event` job in
// the outbox, written in the caller's transaction next to the change it reports (never commit,
// then enqueue), and only when a route of the source or the target Kitchen listens.
import type { Tx } from "@galley/db";
import { writeOutbox } from "@galley/queue";

export interface MergeRequestAlert {
  event: "merge_request.opened" | "merge_request.approved" | "merge_request.merged";
  requestId: string;
  /** The approving review (approved only): each approval is its own occurrence. */
  reviewId?: string;
  kitchenIds: string[];
}

export async function emitMergeRequestAlertInTx(tx: Tx, a: MergeRequestAlert): Promise<boolean> {
  const listening = await tx.alertRoute.count({ where: { kitchenId: { in: a.kitchenIds }, enabled: true, events: { has: a.event } } });
  if (listening === 0) return false;
  await writeOutbox(tx, { jobName: "alert.event", payload: { event: a.event, requestId: a.requestId, ...(a.reviewId ? { reviewId: a.reviewId } : {}) } });
  return true;
}
