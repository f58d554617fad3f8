import { AppError } from "@galley/core";
import { withTransaction, type Tx } from "@galley/db";
import type { Warehouse } from "@galley/warehouse";
import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { appendAudit, kitchenTarget, liveChildNames, lockLiveKitchen } from "./kitchen-repository";
import { finishOperation, Operation } from "./operations";
import { StepRunner, type StepTiming } from "./steps";

export interface DeleteKitchenResult {
  steps: StepTiming[];
  /** Views in other schemas that DROP SCHEMA ... CASCADE took with it. */
  droppedDependents: string[];
}

type DeleteDeps = Pick<KitchensDeps, "db" | "git" | "warehouses" | "schemas" | "logger" | "checkpoint" | "operationLeaseMs">;

/** What deleting needs to go on after a crash (the operation's payload). */
export interface DeletePayload {
  kitchenId: string;
  name: string;
  branch: string;
  schema: string;
  environmentId: string;
  head: string | null;
  requestId?: string;
}

/**
 * Deletes a Kitchen: its branch and schema (and Kitchen role) go, its row stays, marked deleted,
 * so history, runs and audit keep pointing at it. Owners and admins only, confirmed by typing the
 * name; refused for the root Kitchen and for Kitchens with children.
 * No long transaction: a short one marks the Kitchen `deleting` (no new children, merges or
 * runs) and records the operation; then the branch, the schema and the role go, each step
 * recorded first; a last short transaction marks the row deleted and closes the operation. The
 * branch goes first because it can be restored exactly (same commit): a failure before the
 * schema is dropped puts everything back. Once the schema is gone the deletion only goes
 * forward; if this process dies, the janitor finishes it (finishDeletion).
 */
export async function deleteKitchen(deps: DeleteDeps, input: { name: string; confirm: string }, actor: KitchenActor, opts: { requestId?: string } = {}): Promise<DeleteKitchenResult> {
  const k = await getKitchenForActorOrThrow(deps, input.name, actor, "own");
  if (input.confirm !== k.name) {
    throw new AppError("invalid_input", `type the Kitchen's name (${k.name}) to confirm its deletion`, { field: "confirm" });
  }
  if (!k.parentId) throw new AppError("forbidden", `${k.name} is the root of the Kitchen tree and can never be deleted`, { field: "kitchen" });
  const steps = new StepRunner(`deleting Kitchen ${k.name}`, deps.logger);
  const { op, payload } = await steps.run("check", async () => {
    const w = await deps.warehouses.forEnvironment(k.environmentId);
    await w.wh.ping();
    const head = (await deps.git.branchExists(k.branch)) ? await deps.git.headOf(k.branch) : null;
    const payload: DeletePayload = { kitchenId: k.id, name: k.name, branch: k.branch, schema: k.schemaName, environmentId: k.environmentId, head, requestId: opts.requestId };
    const op = await withTransaction(deps.db, async (tx) => {
      if (!(await lockLiveKitchen(tx, k.id, "update"))) throw new AppError("not_found", `Kitchen ${k.name} does not exist or is being deleted`, { field: "kitchen" });
      const children = await liveChildNames(k.id, tx);
      if (children.length) {
        throw new AppError("conflict", `Kitchen ${k.name} has child Kitchens (${children.join(", ")}); delete or move them first`, { field: "kitchen", details: { children } });
      }
      await tx.kitchen.update({ where: { id: k.id }, data: { status: "deleting" }, select: { id: true } });
      return Operation.begin(deps, { kind: "kitchen.delete", subject: k.name, kitchenId: k.id, environmentId: k.environmentId, actorId: actor.id, step: "branch", payload: { ...payload } }, tx);
    });
    return { op, payload };
  });
  const { wh } = await deps.warehouses.forEnvironment(k.environmentId);
  const head = payload.head;
  op.committed();
  try {
    if (head) {
      await steps.run("branch", () => deleteBranchIfAt(deps, k.branch, head));
      steps.onUndo("branch", () => deps.git.createBranch(k.branch, k.branch, { fromSha: head }));
    }
    op.stepDone();
    const dropped = (await steps.run("schema", () => op.step("schema").then(() => deps.schemas.drop(wh, k.schemaName)))).droppedDependents;
    op.stepDone();
    steps.forgetUndos();
    // From here on only forward: a failure is left to the janitor, which finishes the deletion.
    await steps.run("records", async () => {
      await op.step("role", { droppedDependents: dropped });
      await dropRole(deps, wh, payload);
      op.stepDone();
      await op.step("records");
      await withTransaction(deps.db, async (tx) => {
        await markDeleted(tx, payload, actor.id, dropped);
        await op.finish("done", { tx });
      });
    });
    op.stepDone();
    deps.logger?.info("kitchen deleted", { kitchen: k.name, steps: steps.timings });
    return { steps: steps.timings, droppedDependents: dropped };
  } catch (e) {
    await closeFailedDeletion(deps, op, k.id, e);
    throw e;
  } finally {
    op.stop();
  }
}

/** Before the schema went: put the Kitchen back (StepRunner restored the branch). After: the janitor finishes. */
async function closeFailedDeletion(deps: DeleteDeps, op: Operation, kitchenId: string, e: unknown): Promise<void> {
  const message = (e as Error).message;
  const undone = ((e as AppError).details as { undone?: { ok: boolean }[] } | undefined)?.undone;
  const canUndo = (op.current === "branch" || op.current === "schema") && undone !== undefined && undone.every((u) => u.ok);
  try {
    if (canUndo) {
      await withTransaction(deps.db, async (tx) => {
        await tx.kitchen.updateMany({ where: { id: kitchenId, status: "deleting", deletedAt: null }, data: { status: "active" } });
        await op.finish("undone", { tx, error: message });
      });
    } else {
      await op.abandon(message);
    }
  } catch (fe) {
    deps.logger?.error("deletion left for the janitor", { operation: op.id, err: fe });
  }
}

async function deleteBranchIfAt(deps: Pick<KitchensDeps, "git">, branch: string, head: string): Promise<void> {
  if (await deps.git.branchExists(branch)) await deps.git.deleteBranch(branch, { expectedHead: head });
}

// Roles are cluster-wide; one that is still used elsewhere is reported, not fatal.
async function dropRole(deps: Pick<KitchensDeps, "schemas" | "logger">, wh: Warehouse, p: DeletePayload): Promise<void> {
  const r = await deps.schemas.dropRole(wh, p.schema);
  if (!r.dropped && r.reason) deps.logger?.warn("kitchen role not dropped", { kitchen: p.name, reason: r.reason });
}

async function markDeleted(tx: Tx, p: DeletePayload, actorId: string | null, dropped: string[]): Promise<void> {
  const now = new Date();
  await tx.kitchen.update({ where: { id: p.kitchenId }, data: { deletedAt: now, status: "deleted" }, select: { id: true } });
  await tx.merge.updateMany({ where: { status: "open", OR: [{ targetKitchenId: p.kitchenId }, { sourceKitchenId: p.kitchenId }] }, data: { status: "aborted", finishedAt: now } });
  await appendAudit(
    { actorId, action: "kitchen.delete", target: kitchenTarget(p.kitchenId), requestId: p.requestId, details: { name: p.name, branchHead: p.head, droppedDependents: dropped } },
    tx,
  );
}

/**
 * The janitor's half: goes on with a deletion whose process died, from whatever step it
 * reached. Every step is idempotent (a gone branch, schema or role is fine).
 */
export async function finishDeletion(deps: Pick<KitchensDeps, "db" | "git" | "warehouses" | "schemas" | "logger">, op: { id: string; payload: Record<string, unknown>; actorId: string | null }): Promise<void> {
  const p = op.payload as unknown as DeletePayload;
  const { wh } = await deps.warehouses.forEnvironment(p.environmentId);
  if (p.head && (await deps.git.branchExists(p.branch))) {
    const now = await deps.git.headOf(p.branch);
    // Only the commit this deletion saw; a branch with new commits is not ours to remove.
    if (now === p.head) await deps.git.deleteBranch(p.branch, { expectedHead: p.head });
  }
  const dropped = (await deps.schemas.drop(wh, p.schema)).droppedDependents;
  await dropRole(deps, wh, p);
  await withTransaction(deps.db, async (tx) => {
    const row = await tx.kitchen.findUnique({ where: { id: p.kitchenId }, select: { deletedAt: true } });
    if (row && !row.deletedAt) await markDeleted(tx, p, op.actorId, [...((op.payload.droppedDependents as string[]) ?? []), ...dropped]);
    await finishOperation(tx, op.id, "done", { error: "finished by the janitor after the deleting process stopped" });
  });
}
