import { AppError, isAppError } from "@galley/core";
import { assertAllowed } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { landMerge, withMergeSlot } from "./land-merge";
import { findLiveById } from "./kitchen-repository";
import { assertOpen } from "./merge-kitchen";
import { ZMergeConflict } from "./schemas";
import { findMergeRow, mergeNotFound } from "./get-merge";

/**
 * Finishes an open merge with a resolution for every conflicted path (null deletes the file).
 * The merge lands only if neither branch moved since the conflicts were computed; otherwise 409
 * and the person previews again.
 */
export async function resolveMerge(
  deps: Pick<KitchensDeps, "db" | "git" | "checkpoint" | "operationLeaseMs" | "logger">,
  input: { mergeId: string; resolutions: Record<string, string | null>; message?: string },
  actor: KitchenActor,
  opts: { requestId?: string } = {},
): Promise<{ status: "committed"; commit: string }> {
  const m = await findMergeRow(deps.db, input.mergeId);
  const [target, source] = await Promise.all([findLiveById(m.targetKitchenId, deps.db), findLiveById(m.sourceKitchenId, deps.db)]);
  if (!target || !source) throw mergeNotFound(input.mergeId);
  assertAllowed(actor, target, "merge-into");
  assertOpen(m.status, m.id);
  const conflicts = ZMergeConflict.array().parse(m.conflicts);
  for (const c of conflicts) {
    if (!(c.path in input.resolutions)) {
      throw new AppError("invalid_input", `${c.path} is not resolved yet: every conflicted file needs its final content`, { field: `resolutions.${c.path}` });
    }
  }
  const extra = Object.keys(input.resolutions).filter((p) => !conflicts.some((c) => c.path === p));
  if (extra.length) throw new AppError("invalid_input", `${extra[0]} did not conflict; only conflicted files can be resolved`, { field: `resolutions.${extra[0]}` });

  // No transaction across git: the compare-and-swap at the heads the conflicts were computed on
  // makes a second resolution of the same merge (or any move of either branch) a clean 409.
  let commit: string;
  try {
    ({ commit } = await withMergeSlot(deps, target, actor, (op) => landMerge(
      deps,
      op,
      { source, target },
      { sourceCommit: m.sourceCommit, targetCommit: m.targetCommit, baseCommit: m.baseCommit },
      { message: input.message ?? `Merge ${source.name} into ${target.name}`, resolutions: input.resolutions, allowFastForward: false },
      actor,
      { requestId: opts.requestId, mergeId: m.id },
    )));
  } catch (e) {
    if (isAppError(e) && e.code === "conflict") {
      throw new AppError("conflict", `${e.message.replace(/; preview again$/, "")}; preview the merge again`, { field: "mergeId", details: { reason: "moved" }, cause: e });
    }
    throw e;
  }
  return { status: "committed" as const, commit };
}
