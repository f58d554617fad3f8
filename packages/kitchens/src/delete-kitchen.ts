import { AppError } from "@galley/core";
import { withTransaction } from "@galley/db";
import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { appendAudit, kitchenTarget, liveChildNames, lockLiveKitchen } from "./kitchen-repository";
import { StepRunner, type StepTiming } from "./steps";

export interface DeleteKitchenResult {
  steps: StepTiming[];
  /** Views in other schemas that DROP SCHEMA ... CASCADE took with it. */
  droppedDependents: string[];
}

/**
 * Deletes a Kitchen: its branch and schema (and Kitchen role) go, its row stays, marked deleted,
 * so history, runs and audit keep pointing at it. Owners and admins only, confirmed by typing the
 * name; refused for the root Kitchen and for Kitchens with children. The row is locked for the
 * whole operation (a child being created under it waits, then sees the deletion); the branch is
 * deleted first because it can be restored exactly (same commit) if dropping the schema fails.
 */
export async function deleteKitchen(
  deps: Pick<KitchensDeps, "db" | "git" | "warehouses" | "schemas" | "logger">,
  input: { name: string; confirm: string },
  actor: KitchenActor,
  opts: { requestId?: string } = {},
): Promise<DeleteKitchenResult> {
  const k = await getKitchenForActorOrThrow(deps, input.name, actor, "own");
  if (input.confirm !== k.name) {
    throw new AppError("invalid_input", `type the Kitchen's name (${k.name}) to confirm its deletion`, { field: "confirm" });
  }
  if (!k.parentId) throw new AppError("forbidden", `${k.name} is the root of the Kitchen tree and can never be deleted`, { field: "kitchen" });
  const steps = new StepRunner(`deleting Kitchen ${k.name}`, deps.logger);
  const { wh } = await steps.run("check", async () => {
    const w = await deps.warehouses.forEnvironment(k.environmentId);
    await w.wh.ping();
    return w;
  });
  let dropped: string[] = [];
  let restoreBranch: (() => Promise<unknown>) | undefined;
  try {
    await withTransaction(
      deps.db,
      async (tx) => {
        if (!(await lockLiveKitchen(tx, k.id, "update"))) throw new AppError("not_found", `Kitchen ${k.name} does not exist`, { field: "kitchen" });
        const children = await liveChildNames(k.id, tx);
        if (children.length) {
          throw new AppError("conflict", `Kitchen ${k.name} has child Kitchens (${children.join(", ")}); delete or move them first`, { field: "kitchen", details: { children } });
        }
        const head = (await deps.git.branchExists(k.branch)) ? await deps.git.headOf(k.branch) : null;
        if (head) {
          await steps.run("branch", () => deps.git.deleteBranch(k.branch, { expectedHead: head }));
          restoreBranch = () => deps.git.createBranch(k.branch, k.branch, { fromSha: head });
          steps.onUndo("branch", restoreBranch);
        }
        dropped = (await steps.run("schema", () => deps.schemas.drop(wh, k.schemaName))).droppedDependents;
        await steps.run("records", async () => {
          const now = new Date();
          await tx.kitchen.update({ where: { id: k.id }, data: { deletedAt: now, status: "deleted" }, select: { id: true } });
          await tx.merge.updateMany({ where: { status: "open", OR: [{ targetKitchenId: k.id }, { sourceKitchenId: k.id }] }, data: { status: "aborted", finishedAt: now } });
          await appendAudit(
            { actorId: actor.id, action: "kitchen.delete", target: kitchenTarget(k.id), requestId: opts.requestId, details: { name: k.name, branchHead: head, droppedDependents: dropped } },
            tx,
          );
        });
      },
      { timeoutMs: 60_000 },
    );
  } catch (e) {
    // The transaction itself failed to commit after the branch was deleted: put the branch back.
    if (restoreBranch && !(e instanceof AppError && (e.details as { step?: string })?.step)) await restoreBranch().catch(() => {});
    throw e;
  }
  // Roles are cluster-wide and only exist if someone made one; best effort after the fact.
  await deps.schemas.dropRole(wh, k.schemaName).catch((e) => deps.logger?.warn("kitchen role not dropped", { kitchen: k.name, error: (e as Error).message }));
  deps.logger?.info("kitchen deleted", { kitchen: k.name, steps: steps.timings });
  return { steps: steps.timings, droppedDependents: dropped };
}
