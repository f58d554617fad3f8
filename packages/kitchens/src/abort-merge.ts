import { AppError } from "@galley/core";
import { advisoryXactLock, withTransaction } from "@galley/db";
import { assertAllowed } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { findMergeRow, mergeNotFound } from "./get-merge";
import { appendAudit, findLiveById, kitchenTarget } from "./kitchen-repository";
import { mergeLockKey } from "./merge-pair";

/** Gives up an open merge; nothing was written to git, so only the record changes. */
export async function abortMerge(
  deps: Pick<KitchensDeps, "db">,
  id: string,
  actor: KitchenActor,
  opts: { requestId?: string } = {},
): Promise<{ status: "aborted" }> {
  const m = await findMergeRow(deps.db, id);
  const target = await findLiveById(m.targetKitchenId, deps.db);
  if (!target) throw mergeNotFound(id);
  assertAllowed(actor, target, "merge-into");
  const n = await withTransaction(deps.db, async (tx) => {
    // Under the target's merge lock: an abort never lands while a resolve is merging.
    await advisoryXactLock(tx, mergeLockKey(target.id));
    // Conditional update: of an abort and a resolve racing, exactly one changes the row.
    const r = await tx.merge.updateMany({ where: { id: m.id, status: "open" }, data: { status: "aborted", finishedAt: new Date() } });
    if (r.count === 1) await appendAudit({ actorId: actor.id, action: "merge.abort", target: kitchenTarget(target.id), requestId: opts.requestId, details: { mergeId: m.id } }, tx);
    return r.count;
  });
  if (n === 0) {
    const now = await deps.db.merge.findUniqueOrThrow({ where: { id: m.id }, select: { status: true } });
    if (now.status !== "aborted") throw new AppError("conflict", `merge ${id} is ${now.status}; it can no longer be aborted`, { field: "mergeId" });
  }
  return { status: "aborted" };
}
