import type { Tx } from "@galley/db";
import { queueFor, type JobName, type JobPayload } from "./catalogue";
import { parsePayload, resolveJobId } from "./queues";

/** NOTIFY channel the dispatcher LISTENs on; Postgres delivers it only when the transaction commits. */
export const OUTBOX_CHANNEL = "galley_outbox";

export interface OutboxEntry<N extends JobName> {
  jobName: N;
  payload: JobPayload<N>;
  /** Defaults to the catalogue's deterministic id for the payload. */
  jobId?: string;
  /** Delay counted from the row's creation (retry backoff); stored as the reserved payload key delayMs. */
  delayMs?: number;
  /** The worker pool of a pooled job (node.execute): its row names that pool's queue. */
  pool?: string;
}

/**
 * Records a job in the caller's transaction, next to the state change that implies it. If the
 * transaction rolls back, the job never existed; once it commits, the dispatcher enqueues it.
 */
export async function writeOutbox<N extends JobName>(tx: Tx, entry: OutboxEntry<N>): Promise<{ jobId: string }> {
  const payload = parsePayload(entry.jobName, entry.payload);
  const jobId = resolveJobId(entry.jobName, payload, entry.jobId);
  const stored = entry.delayMs && entry.delayMs > 0 ? { ...payload, delayMs: Math.round(entry.delayMs) } : payload;
  const queue = queueFor(entry.jobName, entry.pool);
  // One round trip: insert and queue a NOTIFY that fires on commit (duplicates in one transaction collapse).
  await tx.$queryRaw`
    WITH ins AS (
      INSERT INTO outbox (queue, job_name, job_id, payload)
      VALUES (${queue}, ${entry.jobName}, ${jobId}, ${JSON.stringify(stored)}::jsonb)
      RETURNING id
    )
    SELECT ins.id FROM ins, pg_notify(${OUTBOX_CHANNEL}, '') AS n`;
  return { jobId };
}

/** Several jobs in one INSERT (a run's roots, a reconciler batch); same validation as writeOutbox. */
export async function writeOutboxMany<N extends JobName>(tx: Tx, entries: OutboxEntry<N>[]): Promise<{ jobIds: string[] }> {
  if (!entries.length) return { jobIds: [] };
  const rows = entries.map((entry) => {
    const payload = parsePayload(entry.jobName, entry.payload);
    const jobId = resolveJobId(entry.jobName, payload, entry.jobId);
    const stored = entry.delayMs && entry.delayMs > 0 ? { ...payload, delayMs: Math.round(entry.delayMs) } : payload;
    return { queue: queueFor(entry.jobName, entry.pool), name: entry.jobName as string, jobId, payload: JSON.stringify(stored) };
  });
  await tx.$queryRaw`
    WITH ins AS (
      INSERT INTO outbox (queue, job_name, job_id, payload)
      SELECT q, n, j, p::jsonb FROM unnest(${rows.map((r) => r.queue)}::text[], ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.jobId)}::text[], ${rows.map((r) => r.payload)}::text[]) AS u(q, n, j, p)
      RETURNING id
    )
    SELECT count(*)::int AS n FROM ins, pg_notify(${OUTBOX_CHANNEL}, '') AS x`;
  return { jobIds: rows.map((r) => r.jobId) };
}
