import { withTransaction, type Db, type Tx } from "@galley/db";
import type { TestOutcome } from "@galley/pipelines";
import { emitAlertEventInTx, emitTestAlertsInTx } from "./alert-events";
import { enqueueNodeInTx } from "./outbox";
import { dependents, descendants, retryDelayMs, settledRunStatus, type NodeStatus, type RunStatus } from "./state";

export interface NodeOutcome {
  status: "succeeded" | "failed" | "timed_out" | "cancelled";
  error?: string;
  outputs?: Record<string, unknown>;
  /** The node's data-test results, stored with the outcome; `warnings` counts tripped warn tests. */
  tests?: { results: TestOutcome[]; warnings: number };
  /** A failed data test is not retried: running the node again would not change the verdict's cause. */
  noRetry?: boolean;
}

export interface CompleteResult {
  applied: boolean;
  retrying: boolean;
  queued: string[];
  skipped: string[];
  runStatus: RunStatus | null;
}

type Deps = Record<string, string[]>;

/** Only the dependency map of the run document: the rest can be large and is not needed here. */
export async function depsOfRun(tx: Tx, runId: string): Promise<Deps> {
  const [row] = await tx.$queryRaw<{ deps: Deps | null }[]>`SELECT compiled->'deps' AS deps FROM runs WHERE id = ${runId}::uuid`;
  return row?.deps ?? {};
}

/**
 * Records a node's outcome and moves the run on, in one transaction: retry with backoff, queue
 * dependents whose last upstream just finished (fan-in counted in PostgreSQL), skip what can no
 * longer run, settle the run.
 *
 * The run row is held FOR SHARE, not FOR UPDATE: a cancel (FOR UPDATE) waits for completions in
 * flight and they for it, but completions of one run no longer wait for each other. They used to
 * queue on that row for their whole transaction (seven round trips, the run document's dependency
 * map read from its JSON among them): bench reconcile spent ~190 ms per node in that queue, so a
 * wide run finished no faster than one node after another. Only the settlement check is serialised,
 * by an advisory lock per run (settleRunInTx), so two nodes finishing together cannot both miss it.
 * `dag`: the run's dependency map when the caller has the run document (the worker does).
 */
export async function completeNode(
  deps: { db: Db; dispatchNow?: () => void },
  q: { runId: string; nodeId: string; attempt: number; workerId: string; backoffMs?: number; outcome: NodeOutcome; dag?: Deps },
): Promise<CompleteResult> {
  const result = await withTransaction(deps.db, async (tx) => {
    const [run] = await tx.$queryRaw<{ status: string; kitchen_id: string; pipeline: string; pool: string }[]>`
      SELECT status, kitchen_id, pipeline, pool FROM runs WHERE id = ${q.runId}::uuid FOR SHARE`;
    const node = await tx.nodeRun.findFirst({
      where: { runId: q.runId, nodeId: q.nodeId, attempt: q.attempt, workerId: q.workerId, status: "running" },
      select: { id: true, maxAttempts: true },
    });
    const none: CompleteResult = { applied: false, retrying: false, queued: [], skipped: [], runStatus: null };
    if (!run || !node) return none;
    const cancelled = run.status === "cancelled";
    const failed = q.outcome.status === "failed" || q.outcome.status === "timed_out";
    const now = new Date();
    if (q.outcome.tests) await storeTestResults(tx, { runId: q.runId, nodeRunId: node.id, nodeId: q.nodeId, attempt: q.attempt, kitchenId: run.kitchen_id, pipeline: run.pipeline }, q.outcome.tests);

    if (failed && !cancelled && !q.outcome.noRetry && q.attempt < node.maxAttempts) {
      const delay = retryDelayMs(q.backoffMs ?? 1000, q.attempt);
      await tx.nodeRun.update({
        where: { id: node.id },
        data: { status: "queued", attempt: q.attempt + 1, error: q.outcome.error ?? null, workerId: null, leaseUntil: null, queuedAt: now },
      });
      await enqueueNodeInTx(tx, q.runId, q.nodeId, q.attempt + 1, run.pool, delay);
      return { ...none, applied: true, retrying: true };
    }

    const status: NodeStatus = cancelled && q.outcome.status !== "succeeded" ? "cancelled" : q.outcome.status;
    await tx.nodeRun.update({
      where: { id: node.id },
      data: { status, error: q.outcome.error ?? null, outputs: (q.outcome.outputs ?? {}) as object, finishedAt: now, leaseUntil: null },
    });
    // Tests that tripped on this node (written before completion) are announced now, not at the run's end.
    const tripped = q.outcome.tests?.results.some((r) => r.level !== "log" && (r.verdict === "warned" || r.verdict === "failed" || r.verdict === "error"));
    if (tripped && !cancelled) await emitTestAlertsInTx(tx, { runId: q.runId, nodeId: q.nodeId, nodeRunId: node.id });

    const dag = q.dag ?? (await depsOfRun(tx, q.runId));
    const queued: string[] = [];
    const skipped: string[] = [];
    if (status === "succeeded" && !cancelled) {
      const children = dependents(dag, q.nodeId);
      if (children.length) {
        const rows = await tx.$queryRaw<{ node_id: string; remaining_deps: number }[]>`
          UPDATE node_runs SET remaining_deps = remaining_deps - 1
          WHERE run_id = ${q.runId}::uuid AND node_id = ANY(${children}::text[]) AND status = 'pending'
          RETURNING node_id, remaining_deps`;
        for (const r of rows.filter((r) => r.remaining_deps === 0)) {
          await tx.nodeRun.updateMany({ where: { runId: q.runId, nodeId: r.node_id, status: "pending" }, data: { status: "queued", attempt: 1, queuedAt: now } });
          await enqueueNodeInTx(tx, q.runId, r.node_id, 1, run.pool);
          queued.push(r.node_id);
        }
      }
    } else if (status !== "succeeded") {
      const down = descendants(dag, q.nodeId);
      if (down.length) {
        const rows = await tx.$queryRaw<{ node_id: string }[]>`
          UPDATE node_runs SET status = ${cancelled ? "cancelled" : "skipped"}, finished_at = now(),
            error = ${cancelled ? "run cancelled" : `upstream node ${q.nodeId} ${status}`}
          WHERE run_id = ${q.runId}::uuid AND node_id = ANY(${down}::text[]) AND status IN ('pending', 'queued')
          RETURNING node_id`;
        skipped.push(...rows.map((r) => r.node_id));
      }
    }
    const runStatus = await settleRunInTx(tx, q.runId);
    return { applied: true, retrying: false, queued, skipped, runStatus };
  });
  if (result.queued.length || result.retrying) deps.dispatchNow?.();
  return result;
}

/** Closes the run when every node is terminal. Conditional, so a cancelled run stays cancelled. */
export async function settleRunInTx(tx: Tx, runId: string): Promise<RunStatus | null> {
  // One settlement check per run at a time, until commit: the second of two nodes finishing
  // together counts after the first has committed, so one of them sees no work left.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`galley:settle:${runId}`}, 0))`;
  // Cheap check first: a run with work left (the common case) needs no node list.
  const [open] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM node_runs WHERE run_id = ${runId}::uuid AND status IN ('pending', 'queued', 'running')`;
  if (open && open.n > 0) return null;
  const nodes = await tx.nodeRun.findMany({ where: { runId }, select: { status: true, error: true, nodeId: true } });
  const settled = settledRunStatus(nodes.map((n) => n.status as NodeStatus));
  if (!settled) return null;
  const firstError = nodes.find((n) => n.status === "failed" || n.status === "timed_out");
  await countRunWarningsInTx(tx, runId);
  const changed = await tx.$queryRaw<{ kitchen_id: string }[]>`
    UPDATE runs SET status = ${settled}, finished_at = now(),
      error = COALESCE(error, ${firstError ? `node ${firstError.nodeId}: ${firstError.error ?? firstError.status}` : null})
    WHERE id = ${runId}::uuid AND status IN ('queued', 'running')
    RETURNING kitchen_id`;
  if (changed.length && (settled === "succeeded" || settled === "failed")) {
    await emitAlertEventInTx(tx, { kitchenId: changed[0].kitchen_id, event: settled === "succeeded" ? "run.succeeded" : "run.failed", runId });
  }
  const r = await tx.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true } });
  return r.status as RunStatus;
}

/**
 * Tripped `warn` tests of every attempt of the run's nodes (as testConsequences counts them): the
 * run's warnings, set when it settles or is cancelled, when no completion is still writing.
 */
export async function countRunWarningsInTx(tx: Tx, runId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE runs SET warnings = (SELECT count(*)::int FROM test_results WHERE run_id = ${runId}::uuid AND level = 'warn' AND verdict IN ('warned', 'error'))
    WHERE id = ${runId}::uuid AND status IN ('queued', 'running')`;
}

/** Every evaluation is kept (history for control limits, charts, dashboards). */
async function storeTestResults(
  tx: Tx,
  at: { runId: string; nodeRunId: string; nodeId: string; attempt: number; kitchenId: string; pipeline: string },
  tests: NonNullable<NodeOutcome["tests"]>,
): Promise<void> {
  if (tests.results.length) {
    await tx.testResult.createMany({
      data: tests.results.map((r) => ({
        runId: at.runId, nodeRunId: at.nodeRunId, kitchenId: at.kitchenId, pipeline: at.pipeline, node: at.nodeId, attempt: at.attempt,
        testName: r.name, kind: r.kind, value: r.value, lowerLimit: r.lowerLimit, upperLimit: r.upperLimit, mean: r.mean, sigma: r.sigma,
        rule: r.rule, verdict: r.verdict, level: r.level, message: r.message, failingRows: r.failingRows, examples: (r.examples ?? undefined) as object[] | undefined,
      })),
    });
  }
  // runs.warnings is counted from these rows when the run settles (countRunWarningsInTx): an UPDATE of
  // the run row here would upgrade the shared lock other completions hold, and deadlock with them.
}
