import { AppError } from "@galley/core";
import { withTransaction } from "@galley/db";
import { appendAudit, kitchenTarget, mergeKitchen, mergerWords, type KitchenActor, type MergeOutcome } from "@galley/kitchens";
import type { MergeRequestsDeps } from "./deps";
import { getMergeRequest } from "./get-merge-request";

/**
 * Merges an approved, green request with today's merge, at exactly the commit that was reviewed
 * and checked (a newer head is refused). Refusals say everything that is missing.
 */
export async function mergeMergeRequest(deps: MergeRequestsDeps, input: { id: string; message?: string }, actor: KitchenActor, opts: { requestId?: string } = {}): Promise<MergeOutcome & { number: number }> {
  const view = await getMergeRequest(deps, input.id, actor);
  if (!view.may.merge) throw new AppError("forbidden", `only ${mergerWords(view.rules)} may merge into ${view.target}`, { field: "id" });
  if (!view.verdict.mergeable) throw new AppError("conflict", `merge request #${view.number} cannot be merged yet: ${view.verdict.missing.join("; ")}`, { field: "id" });
  const outcome = await mergeKitchen(deps, { kitchen: view.source, direction: "up", message: input.message ?? `Merge request #${view.number}: ${view.title}` }, actor, { requestId: opts.requestId, viaMergeRequest: { id: view.id, head: view.head } });
  if (outcome.status === "committed") {
    const approvedBy = view.reviews.filter((r) => r.verdict === "approved" && !r.stale).map((r) => r.reviewer?.name ?? "");
    await withTransaction(deps.db, async (tx) => {
      await tx.mergeRequest.update({ where: { id: view.id }, data: { status: "merged", mergedById: actor.id, mergedAt: new Date(), mergeCommit: outcome.commit, updatedAt: new Date() }, select: { id: true } });
      await appendAudit({ actorId: actor.id, action: "merge_request.merge", target: kitchenTarget(view.targetKitchenId), requestId: opts.requestId, details: { request: view.number, commit: outcome.commit, approvedBy, checks: view.checks.map((c) => ({ pipeline: c.pipeline, state: c.state, runId: c.runId ?? null })) } }, tx);
      await deps.notify?.(tx, { kind: "merge_request.merged", requestId: view.id, number: view.number, title: view.title, source: view.source, target: view.target, targetKitchenId: view.targetKitchenId, sourceKitchenId: view.sourceKitchenId, actor: actor.name });
    });
  }
  return { ...outcome, number: view.number };
}

/** Closes a request without merging (its author, or whoever may merge into the target). */
export async function closeMergeRequest(deps: MergeRequestsDeps, input: { id: string }, actor: KitchenActor) {
  const view = await getMergeRequest(deps, input.id, actor);
  if (!view.may.close) throw new AppError("forbidden", "only the request's author or the target's staff may close it", { field: "id" });
  const r = await deps.db.mergeRequest.updateMany({ where: { id: view.id, status: "open" }, data: { status: "closed", closedAt: new Date(), updatedAt: new Date() } });
  if (r.count === 0) throw new AppError("conflict", `merge request #${view.number} is ${view.status}`, { field: "id" });
  return { status: "closed" as const };
}
