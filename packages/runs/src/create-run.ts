import { AppError } from "@galley/core";
import { withTransaction, type Db } from "@galley/db";
import { emitAlertEventInTx } from "./alert-events";
import { enqueueDeadlineInTx, enqueueNodesInTx } from "./outbox";

export interface RunPlanNode {
  id: string;
  type: string;
  deps: string[];
  remainingDeps: number;
  reused: boolean;
  maxAttempts: number;
  /** Outputs carried over from the run being resumed. */
  outputs?: Record<string, unknown>;
}

export interface CreateRunInput {
  /** Chosen by the caller when the compiled pipeline must show the run's own id. */
  id?: string;
  kitchenId: string;
  pipeline: string;
  commit: string;
  trigger: "manual" | "schedule" | "merge" | "resume";
  triggeredById: string | null;
  parameters: Record<string, unknown>;
  variation?: string | null;
  selection?: unknown;
  compiled: unknown;
  executor: string;
  /** The environment's worker pool (default `default`): the run's node jobs go to its queue. */
  pool?: string;
  nodes: RunPlanNode[];
  idempotencyKey?: string | null;
  resumedFromId?: string | null;
  /** The pipeline's max_duration: a `run.deadline` job fires then (alert, and stop when the pipeline asks). */
  maxDurationMs?: number | null;
}

export interface CreateRunDeps {
  db: Db;
  /** Called after commit so the outbox rows are enqueued without waiting for the poll. */
  dispatchNow?: () => void;
}

/**
 * Records the run, its nodes and the jobs for its root nodes in one transaction.
 * The same idempotency key returns the first run instead of starting another.
 */
export async function createRun(deps: CreateRunDeps, input: CreateRunInput): Promise<{ runId: string; created: boolean }> {
  if (input.nodes.length === 0) throw new AppError("invalid_input", "the selection contains no nodes to run", { field: "selection" });
  if (input.idempotencyKey) {
    const existing = await deps.db.run.findUnique({ where: { idempotencyKey: input.idempotencyKey }, select: { id: true } });
    if (existing) return { runId: existing.id, created: false };
  }
  const runId = await withTransaction(deps.db, async (tx) => {
    const allReused = input.nodes.every((n) => n.reused);
    const run = await tx.run.create({
      data: {
        ...(input.id ? { id: input.id } : {}),
        kitchenId: input.kitchenId,
        pipeline: input.pipeline,
        commit: input.commit,
        status: allReused ? "succeeded" : "queued",
        trigger: input.trigger,
        triggeredById: input.triggeredById,
        parameters: input.parameters as object,
        variation: input.variation ?? null,
        selection: (input.selection ?? null) as object,
        compiled: input.compiled as object,
        executor: input.executor,
        pool: input.pool ?? "default",
        idempotencyKey: input.idempotencyKey ?? null,
        resumedFromId: input.resumedFromId ?? null,
        finishedAt: allReused ? new Date() : null,
      },
      select: { id: true },
    });
    const now = new Date();
    await tx.nodeRun.createMany({
      data: input.nodes.map((n) => ({
        runId: run.id,
        nodeId: n.id,
        type: n.type,
        status: n.reused ? "reused" : n.remainingDeps === 0 ? "queued" : "pending",
        remainingDeps: n.reused ? 0 : n.remainingDeps,
        attempt: n.reused || n.remainingDeps > 0 ? 0 : 1,
        maxAttempts: n.maxAttempts,
        outputs: (n.outputs ?? {}) as object,
        queuedAt: !n.reused && n.remainingDeps === 0 ? now : null,
        finishedAt: n.reused ? now : null,
      })),
    });
    await enqueueNodesInTx(tx, run.id, input.nodes.filter((n) => !n.reused && n.remainingDeps === 0).map((n) => ({ nodeId: n.id, attempt: 1 })), input.pool ?? "default");
    if (!allReused) {
      await emitAlertEventInTx(tx, { kitchenId: input.kitchenId, event: "run.started", runId: run.id });
      if (input.maxDurationMs) await enqueueDeadlineInTx(tx, run.id, input.maxDurationMs);
    }
    await tx.kitchen.update({ where: { id: input.kitchenId }, data: { lastActivityAt: now } });
    return run.id;
    // A pipeline of thousands of nodes writes thousands of rows here; on a loaded host 15 s was not enough.
  }, { timeoutMs: 60_000 }).catch((e) => {
    // Two requests with one idempotency key raced: return the winner.
    if ((e as { code?: string }).code === "P2002" && input.idempotencyKey) {
      return deps.db.run.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey }, select: { id: true } }).then((r) => r.id);
    }
    throw e;
  });
  deps.dispatchNow?.();
  return { runId, created: true };
}
