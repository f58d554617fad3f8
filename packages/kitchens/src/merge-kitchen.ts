import { AppError } from "@galley/core";
import { advisoryXactLock, withTransaction, type Prisma, type Tx } from "@galley/db";
import type { MergeConflict } from "@galley/git";
import { accessOf, assertAllowed, getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { landMerge, withMergeSlot } from "./land-merge";
import { appendAudit, kitchenTarget, touchActivity } from "./kitchen-repository";
import { mergeLockKey, mergePairOf, type MergePair } from "./merge-pair";
import { effectiveMergeRules } from "./merge-rules";
import type { TMergeConflict, TMergeDirection } from "./schemas";

export interface MergePreviewResult {
  source: string;
  target: string;
  upToDate: boolean;
  fastForward: boolean;
  files: { path: string; status: string }[];
  conflicts: { path: string }[];
  /** What the merge brings: the source's changes since the common ancestor, per file. */
  diff: { path: string; patch: string; truncated?: boolean }[];
}

/** What merging would do, without writing anything. */
export async function previewMerge(
  deps: Pick<KitchensDeps, "db" | "git">,
  input: { kitchen: string; direction: TMergeDirection },
  actor: KitchenActor,
): Promise<MergePreviewResult> {
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "view");
  const { source, target } = await mergePairOf(deps, k, input.direction);
  // Its staff, or whoever may merge into the target (Chris previews Padma's Kitchen into dev).
  if (!accessOf(actor, k).canRead && !accessOf(actor, target).canMergeInto) assertAllowed(actor, k, "read");
  const [p, c] = await Promise.all([deps.git.mergePreview(source.branch, target.branch), deps.git.compare(target.branch, source.branch)]);
  return {
    source: source.name,
    target: target.name,
    upToDate: p.upToDate,
    fastForward: p.fastForward,
    files: p.files,
    conflicts: p.conflicts.map((x) => ({ path: x.path })),
    diff: p.upToDate ? [] : c.diff,
  };
}

export type MergeOutcome =
  | { status: "committed"; commit: string; fastForward: boolean; upToDate: boolean }
  | { status: "conflicts"; mergeId: string; conflicts: TMergeConflict[] };

/**
 * Merges down (parent into `kitchen`) or up (`kitchen` into its parent). Only staff of the
 * target whose role may write its environment may. Merges into one Kitchen take turns (its merge
 * slot, a row in `operations`, not a database transaction held across git work), and git moves
 * the target by compare-and-swap at the heads the preview saw, so the branch is never
 * half-merged. A clean merge commits at once (durably: see landMerge); a conflicting one is
 * recorded as an open Merge for the three-panel view.
 */
export async function mergeKitchen(
  deps: Pick<KitchensDeps, "db" | "git" | "checkpoint" | "operationLeaseMs" | "logger">,
  input: { kitchen: string; direction: TMergeDirection; message?: string },
  actor: KitchenActor,
  opts: { requestId?: string; viaMergeRequest?: { id: string; head: string } } = {},
): Promise<MergeOutcome> {
  // Chris merges Padma's Kitchen into dev without being on its staff: what counts is the target.
  const k = await getKitchenForActorOrThrow(deps, input.kitchen, actor, "view");
  const pair = await mergePairOf(deps, k, input.direction);
  assertAllowed(actor, pair.target, "merge-into");
  const rules = effectiveMergeRules(pair.target.mergeRules, pair.target.environment.kind);
  if (rules.requireRequest && !opts.viaMergeRequest) {
    throw new AppError("forbidden", `merging into ${pair.target.name} needs a merge request${rules.approvals ? ` with ${rules.approvals} approval(s)` : ""}${rules.requireGreenChecks ? " and green checks" : ""}: open one from ${pair.source.name}`, { field: "direction" });
  }
  return withMergeSlot(deps, pair.target, actor, async (op) => {
    const p = await deps.git.mergePreview(pair.source.branch, pair.target.branch);
    // A request is approved and checked at one commit: a newer head needs a new look.
    if (opts.viaMergeRequest && p.sourceHead !== opts.viaMergeRequest.head) {
      throw new AppError("conflict", `${pair.source.name} has new commits since the request was checked; reload the request`, { field: "head" });
    }
    if (p.conflicts.length > 0) return withTransaction(deps.db, (tx) => recordConflicts(tx, pair, p, actor, opts.requestId));
    const result = await landMerge(deps, op, pair, { sourceCommit: p.sourceHead, targetCommit: p.targetHead, baseCommit: p.mergeBase }, { message: input.message }, actor, opts);
    return { status: "committed" as const, commit: result.commit, fastForward: result.fastForward, upToDate: result.upToDate };
  });
}

export function toConflictRows(conflicts: MergeConflict[]): TMergeConflict[] {
  return conflicts.map((c) => ({ path: c.path, base: c.base, ours: c.ours, theirs: c.theirs, merged: c.merged, isBinary: c.isBinary }));
}

async function recordConflicts(
  tx: Tx,
  pair: MergePair,
  p: { sourceHead: string; targetHead: string; mergeBase: string | null; conflicts: MergeConflict[] },
  actor: KitchenActor,
  requestId?: string,
): Promise<MergeOutcome> {
  const conflicts = toConflictRows(p.conflicts);
  // A newer attempt supersedes an unfinished one between the same two Kitchens.
  await tx.merge.updateMany({
    where: { status: "open", sourceKitchenId: pair.source.id, targetKitchenId: pair.target.id },
    data: { status: "aborted", finishedAt: new Date() },
  });
  const row = await tx.merge.create({
    data: {
      sourceKitchenId: pair.source.id, targetKitchenId: pair.target.id, sourceCommit: p.sourceHead, targetCommit: p.targetHead,
      baseCommit: p.mergeBase, status: "open", conflicts: conflicts as unknown as Prisma.InputJsonValue, createdById: actor.id,
    },
    select: { id: true },
  });
  await appendAudit(
    { actorId: actor.id, action: "merge.conflicts", target: kitchenTarget(pair.target.id), requestId, details: { mergeId: row.id, source: pair.source.name, target: pair.target.name, paths: conflicts.map((c) => c.path) } },
    tx,
  );
  return { status: "conflicts", mergeId: row.id, conflicts };
}

export async function recordCommitted(
  tx: Tx,
  pair: { source: { id: string; name: string }; target: { id: string; name: string } },
  commits: { sourceCommit: string; targetCommit: string; baseCommit: string | null; resultCommit: string },
  actorId: string | null,
  requestId?: string,
  existingMergeId?: string,
): Promise<void> {
  const now = new Date();
  const id = existingMergeId
    ? (await tx.merge.update({ where: { id: existingMergeId }, data: { status: "committed", resultCommit: commits.resultCommit, finishedAt: now }, select: { id: true } })).id
    : (await tx.merge.create({
        data: { sourceKitchenId: pair.source.id, targetKitchenId: pair.target.id, ...commits, status: "committed", createdById: actorId!, finishedAt: now },
        select: { id: true },
      })).id;
  await touchActivity([pair.target.id], tx, now);
  await appendAudit(
    { actorId, action: "merge.commit", target: kitchenTarget(pair.target.id), requestId, details: { mergeId: id, source: pair.source.name, target: pair.target.name, ...commits } },
    tx,
  );
}

export function assertOpen(status: string, id: string): void {
  if (status !== "open") throw new AppError("conflict", `merge ${id} is ${status}; start a new merge`, { field: "mergeId" });
}
