// Landing a merge without holding a database transaction across git work: the operation is
// recorded, git moves the target branch by compare-and-swap, and the Merge rows commit with the
// operation's "done". A crash between the git step and the rows is finished by the janitor
// (finishMerge), which recognises the merge commit on the target branch.
import { AppError, isAppError } from "@galley/core";
import { withTransaction } from "@galley/db";
import type { MergeResult } from "@galley/git";
import { authorOf, type KitchenActor, type KitchensDeps } from "./deps";
import { recordCommitted } from "./merge-kitchen";
import { finishOperation, Operation } from "./operations";

export interface MergeRef {
  source: { id: string; name: string; branch: string };
  target: { id: string; name: string; branch: string };
}

interface MergePayload {
  sourceId: string; sourceName: string; targetId: string; targetName: string; targetBranch: string;
  sourceCommit: string; targetCommit: string; baseCommit: string | null;
  resultCommit?: string; fastForward?: boolean; mergeId?: string; requestId?: string;
}

type LandDeps = Pick<KitchensDeps, "db" | "git" | "checkpoint" | "operationLeaseMs" | "logger">;

/**
 * Runs fn holding the target's merge slot: a running `kitchen.merge` operation (one per target,
 * by a unique index). Another merge into the same Kitchen waits for it (up to `waitMs`, then a
 * clean 409). fn gets the operation to record its steps; it is closed when fn returns or throws.
 */
export async function withMergeSlot<T>(
  deps: LandDeps,
  target: { id: string; name: string },
  actor: KitchenActor,
  fn: (op: Operation) => Promise<T>,
  opts: { waitMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.waitMs ?? 30_000);
  let op: Operation | undefined;
  for (let wait = 20; !op; wait = Math.min(wait * 2, 500)) {
    try {
      op = await Operation.begin(deps, { kind: "kitchen.merge", subject: target.name, kitchenId: target.id, actorId: actor.id, step: "preview", payload: { targetId: target.id, targetName: target.name } });
    } catch (e) {
      if (!(isAppError(e) && e.code === "conflict") || Date.now() > deadline) {
        if (isAppError(e) && e.code === "conflict") throw new AppError("conflict", `another merge into Kitchen ${target.name} is still running; try again in a moment`, { field: "kitchen", cause: e });
        throw e;
      }
      await new Promise((r) => setTimeout(r, wait * (0.5 + Math.random())));
    }
  }
  try {
    const out = await fn(op);
    if (op.isRunning) await op.finish("done");
    return out;
  } catch (e) {
    // Before git moved the branch nothing is left to do; after it, the janitor records the merge.
    if (op.isRunning) {
      if (op.current === "records") await op.abandon((e as Error).message).catch(() => {});
      else await op.finish("undone", { error: (e as Error).message }).catch(() => {});
    }
    throw e;
  } finally {
    op.stop();
  }
}

/**
 * Inside the merge slot: merges `pair.source` into `pair.target` at exactly the heads given
 * (git's compare-and-swap: `conflict` if either moved), then writes the Merge rows and closes
 * the operation in one transaction.
 */
export async function landMerge(
  deps: LandDeps,
  op: Operation,
  pair: MergeRef,
  heads: { sourceCommit: string; targetCommit: string; baseCommit: string | null },
  git: { message?: string; resolutions?: Record<string, string | null>; allowFastForward?: boolean },
  actor: KitchenActor,
  opts: { requestId?: string; mergeId?: string } = {},
): Promise<MergeResult> {
  const payload: MergePayload = {
    sourceId: pair.source.id, sourceName: pair.source.name, targetId: pair.target.id, targetName: pair.target.name, targetBranch: pair.target.branch,
    ...heads, mergeId: opts.mergeId, requestId: opts.requestId,
  };
  await op.step("git", { ...payload });
  const result = await deps.git.merge(pair.source.branch, pair.target.branch, {
    author: authorOf(actor),
    message: git.message,
    expectedTargetHead: heads.targetCommit,
    expectedSourceHead: heads.sourceCommit,
    ...(git.resolutions ? { resolutions: git.resolutions } : {}),
    ...(git.allowFastForward !== undefined ? { allowFastForward: git.allowFastForward } : {}),
  });
  op.stepDone();
  if (result.upToDate) return result;
  await op.step("records", { resultCommit: result.commit, fastForward: result.fastForward });
  await withTransaction(deps.db, async (tx) => {
    await recordCommitted(tx, pair, { ...heads, resultCommit: result.commit }, actor.id, opts.requestId, opts.mergeId);
    await op.finish("done", { tx });
  });
  op.stepDone();
  return result;
}

/**
 * The janitor's half: a merge whose process died. If git moved the target (the merge commit is
 * on the target branch, or the target is the source's head for a fast-forward), the Merge rows
 * are written; otherwise git changed nothing and the operation is undone.
 */
export async function finishMerge(deps: Pick<KitchensDeps, "db" | "git">, op: { id: string; payload: Record<string, unknown>; actorId: string | null }): Promise<"done" | "undone"> {
  const p = op.payload as unknown as MergePayload;
  let result = p.resultCommit;
  if (!result && (await deps.git.branchExists(p.targetBranch))) {
    const recent = await deps.git.log(p.targetBranch, { limit: 50, firstParent: true });
    const landed = recent.find((c) => c.sha === p.sourceCommit || (c.parents[0] === p.targetCommit && c.parents[1] === p.sourceCommit));
    result = landed?.sha;
  }
  if (!result || !p.sourceId) {
    await finishOperation(deps.db, op.id, "undone", { error: "the merging process stopped before git moved the branch; nothing was merged" });
    return "undone";
  }
  await withTransaction(deps.db, async (tx) => {
    const pair = { source: { id: p.sourceId, name: p.sourceName }, target: { id: p.targetId, name: p.targetName } };
    const open = p.mergeId ? await tx.merge.findUnique({ where: { id: p.mergeId }, select: { status: true } }) : null;
    await recordCommitted(tx, pair, { sourceCommit: p.sourceCommit, targetCommit: p.targetCommit, baseCommit: p.baseCommit, resultCommit: result! }, op.actorId, p.requestId, open?.status === "open" ? p.mergeId : undefined);
    await finishOperation(tx, op.id, "done", { error: "recorded by the janitor after the merging process stopped" });
  });
  return "done";
}


