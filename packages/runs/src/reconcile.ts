import { withTransaction, type Db, type Tx } from "@galley/db";
import { writeOutboxMany } from "@galley/queue";
import { nodeJobId } from "./outbox";
import { settleRunInTx } from "./complete-node";

export interface ReconcileDeps {
  db: Db;
  /** BullMQ's state of a job: waiting, active, delayed, completed, failed, or unknown when Redis lost it. */
  jobState(jobId: string, pool: string): Promise<string>;
  /** Removes a finished (completed or failed) job so its deterministic id can be added again. */
  removeFinishedJob(jobId: string, pool: string): Promise<void>;
  dispatchNow?: () => void;
}

export interface ReconcileResult {
  /** False when another process holds the reconciler lock: this pass did nothing. */
  leader: boolean;
  requeued: number;
  cancelled: number;
}

const LIVE = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);
/** One reconciler at a time across every worker: PostgreSQL advisory lock key. */
const LOCK_KEY = "galley:reconciler";
const BATCH = 1_000;
/** Bounds one pass (and its transaction); the rest waits for the next tick. */
const MAX_PER_PASS = 20_000;

type Stuck = { id: string; run_id: string; node_id: string; attempt: number; status: string; run_status: string; pool: string };

/**
 * PostgreSQL is the source of truth; Redis only carries work. Re-enqueues queued nodes whose job
 * Redis no longer has (a Redis restart keeps nothing here), re-delivers nodes whose worker died
 * (expired lease) when no live job would, and closes cancelled runs whose running nodes' workers
 * are gone.
 *
 * Every worker calls this on a timer, but only the holder of a transaction-level advisory lock
 * works (the others return at once), and it re-enqueues under the node attempt's deterministic
 * job id: the next pass sees that job waiting and leaves it alone, and BullMQ absorbs a second
 * add of the same id. So however many workers and passes, a lost node is queued once.
 */
export async function reconcileRuns(deps: ReconcileDeps, opts: { queuedGraceMs?: number } = {}): Promise<ReconcileResult> {
  const grace = opts.queuedGraceMs ?? 5_000;
  const result = await withTransaction(
    deps.db,
    async (tx): Promise<ReconcileResult> => {
      const [{ leader }] = await tx.$queryRaw<{ leader: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended(${LOCK_KEY}, 0)) AS leader`;
      if (!leader) return { leader: false, requeued: 0, cancelled: 0 };
      // Keyset pages over every stuck node: a LIMIT alone would re-check the same oldest (still
      // waiting) nodes each pass and never reach the ones behind them.
      let after = "00000000-0000-0000-0000-000000000000";
      let cancelled = 0;
      let requeued = 0;
      for (let seen = 0; seen < MAX_PER_PASS; ) {
        const stuck = await tx.$queryRaw<Stuck[]>`
          SELECT n.id::text AS id, n.run_id::text AS run_id, n.node_id, n.attempt, n.status, r.status AS run_status, r.pool
          FROM node_runs n JOIN runs r ON r.id = n.run_id
          WHERE ((n.status = 'queued' AND n.queued_at < now() - make_interval(secs => ${grace / 1000}))
             OR (n.status = 'running' AND n.lease_until < now()))
            AND n.id > ${after}::uuid
          ORDER BY n.id
          LIMIT ${BATCH}::int`;
        for (const s of stuck.filter((x) => x.run_status === "cancelled")) cancelled += await closeCancelled(tx, s);
        requeued += await requeueLost(deps, tx, stuck.filter((s) => s.run_status === "queued" || s.run_status === "running"));
        seen += stuck.length;
        if (stuck.length < BATCH) break;
        after = stuck[stuck.length - 1].id;
      }
      return { leader: true, requeued, cancelled };
    },
    { timeoutMs: 60_000 },
  );
  if (result.requeued) deps.dispatchNow?.();
  return result;
}

async function closeCancelled(tx: Tx, s: Stuck): Promise<number> {
  await tx.$queryRaw`SELECT id FROM runs WHERE id = ${s.run_id}::uuid FOR UPDATE`;
  const r = await tx.nodeRun.updateMany({
    where: { runId: s.run_id, nodeId: s.node_id, status: { in: ["queued", "running"] } },
    data: { status: "cancelled", finishedAt: new Date(), error: "run cancelled", leaseUntil: null },
  });
  await settleRunInTx(tx, s.run_id);
  return r.count;
}

async function requeueLost(deps: ReconcileDeps, tx: Tx, live: Stuck[]): Promise<number> {
  if (!live.length) return 0;
  const ids = live.map((s) => nodeJobId(s.run_id, s.node_id, s.attempt));
  // Unsent outbox rows will be dispatched anyway (one query for the whole batch).
  const pendingRows = await tx.$queryRaw<{ job_id: string }[]>`
    SELECT DISTINCT job_id FROM outbox WHERE sent_at IS NULL AND job_id = ANY(${ids}::text[])`;
  const pending = new Set(pendingRows.map((r) => r.job_id));
  const states = await mapLimit(ids, 32, (id, i) => (pending.has(id) ? Promise.resolve("pending") : deps.jobState(id, live[i].pool).catch(() => "unknown")));
  const lost: { runId: string; nodeId: string; attempt: number; pool: string }[] = [];
  for (let i = 0; i < live.length; i++) {
    const state = states[i];
    if (state === "pending" || LIVE.has(state)) continue;
    // completed/failed while the node is still queued or its lease expired (e.g. BullMQ gave up
    // during an outage): the finished job would swallow an add of the same id, so remove it first.
    if (state !== "unknown") await deps.removeFinishedJob(ids[i], live[i].pool);
    lost.push({ runId: live[i].run_id, nodeId: live[i].node_id, attempt: live[i].attempt, pool: live[i].pool });
  }
  // Each to its run's pool queue: a production node re-enqueued must still reach production's workers only.
  await writeOutboxMany(tx, lost.map(({ pool, ...payload }) => ({ jobName: "node.execute" as const, payload, pool })));
  return lost.length;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}
