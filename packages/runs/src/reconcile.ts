import { withTransaction, type Db } from "@galley/db";
import { enqueueNodeInTx } from "./outbox";
import { nodeJobId } from "./state";
import { settleRunInTx } from "./complete-node";

export interface ReconcileDeps {
  db: Db;
  /** BullMQ's state of a job: waiting, active, delayed, completed, failed, or unknown when Redis lost it. */
  jobState(jobId: string): Promise<string>;
  dispatchNow?: () => void;
}

const LIVE = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);

/**
 * PostgreSQL is the source of truth; Redis only carries work. Re-enqueues queued nodes whose job
 * Redis no longer has (a Redis restart keeps nothing here), re-delivers nodes whose worker died
 * (expired lease) when no live job would, and closes cancelled runs whose running nodes' workers
 * are gone.
 */
export async function reconcileRuns(deps: ReconcileDeps, opts: { queuedGraceMs?: number } = {}): Promise<{ requeued: number; cancelled: number }> {
  const grace = opts.queuedGraceMs ?? 5_000;
  const stuck = await deps.db.$queryRaw<{ run_id: string; node_id: string; attempt: number; status: string; run_status: string }[]>`
    SELECT n.run_id, n.node_id, n.attempt, n.status, r.status AS run_status
    FROM node_runs n JOIN runs r ON r.id = n.run_id
    WHERE (n.status = 'queued' AND n.queued_at < now() - make_interval(secs => ${grace / 1000}))
       OR (n.status = 'running' AND n.lease_until < now())
    LIMIT 500`;
  let requeued = 0;
  let cancelled = 0;
  for (const s of stuck) {
    if (s.run_status === "cancelled") {
      await withTransaction(deps.db, async (tx) => {
        await tx.$queryRaw`SELECT id FROM runs WHERE id = ${s.run_id}::uuid FOR UPDATE`;
        const r = await tx.nodeRun.updateMany({
          where: { runId: s.run_id, nodeId: s.node_id, status: { in: ["queued", "running"] } },
          data: { status: "cancelled", finishedAt: new Date(), error: "run cancelled", leaseUntil: null },
        });
        cancelled += r.count;
        await settleRunInTx(tx, s.run_id);
      });
      continue;
    }
    if (s.run_status !== "queued" && s.run_status !== "running") continue;
    const jobId = nodeJobId(s.run_id, s.node_id, s.attempt);
    // Unsent outbox rows will be dispatched anyway.
    const pending = await deps.db.outbox.count({ where: { jobId: { startsWith: jobId }, sentAt: null } });
    if (pending) continue;
    const state = await deps.jobState(jobId).catch(() => "unknown");
    if (LIVE.has(state)) continue;
    // The original job is gone or finished: a fresh id, so BullMQ's dedupe does not swallow it.
    await withTransaction(deps.db, (tx) => enqueueNodeInTx(tx, s.run_id, s.node_id, s.attempt, 0, `${jobId}:r${Date.now()}`));
    requeued++;
  }
  if (requeued) deps.dispatchNow?.();
  return { requeued, cancelled };
}
