import { createLogger, type Logger } from "@galley/core";
import { withTransaction, type Db, type Tx } from "@galley/db";
import type { Queue } from "bullmq";
import { isJobName, poolOfQueue, type JobName } from "./catalogue";
import { listenForOutbox } from "./outbox-listener";
import { bullQueue, jobOptions, parsePayload, type Queues } from "./queues";

const BATCH = 100;

interface OutboxRow {
  id: bigint;
  queue: string;
  job_name: string;
  job_id: string;
  payload: unknown;
  age_ms: number;
}

export interface OutboxDispatcherOptions {
  db: Db;
  queues: Queues;
  /** The poll is the safety net; NOTIFY and dispatchNow() are the fast paths. */
  intervalMs: number;
  signal: AbortSignal;
  /** A PostgreSQL URL to LISTEN on for commits of writeOutbox from other processes. */
  listenUrl?: string;
  logger?: Logger;
}

export interface OutboxDispatcher {
  /** Dispatch now (call right after committing outbox rows); resolves with the rows sent by the pass. */
  dispatchNow(): Promise<number>;
  /** Resolves when the dispatcher has stopped after the signal aborted. */
  stopped: Promise<void>;
}

type Enqueuable = { row: OutboxRow; name: JobName; pool: string; data: unknown; delayMs: number };

/**
 * One batch, in one transaction: lock unsent rows (SKIP LOCKED, so several dispatchers share the
 * work without sending a row twice), add the jobs with their deterministic ids, mark them sent.
 * If Redis fails the transaction rolls back and the rows are retried; if the commit fails after
 * the add, the re-send is absorbed by BullMQ's jobId dedupe (and handlers are idempotent anyway).
 */
export async function dispatchOutboxBatch(db: Db, queues: Queues, logger: Logger): Promise<{ sent: string[]; count: number }> {
  return withTransaction(db, async (tx) => {
    const rows = await tx.$queryRaw<OutboxRow[]>`
      SELECT id, queue, job_name, job_id, payload,
             (extract(epoch FROM clock_timestamp() - created_at) * 1000)::float8 AS age_ms
      FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ${BATCH}::int FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return { sent: [], count: 0 };
    const byQueue = new Map<Queue, Enqueuable[]>();
    for (const row of rows) {
      const job = toEnqueuable(row, logger);
      if (!job) continue;
      const q = bullQueue(queues, job.name, job.pool);
      byQueue.set(q, [...(byQueue.get(q) ?? []), job]);
    }
    for (const [q, jobs] of byQueue) {
      await q.addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: jobOptions(j.name, j.row.job_id, j.delayMs) })));
    }
    await markSent(rows.map((r) => r.id), tx);
    return { sent: [...byQueue.values()].flat().map((j) => j.row.job_id), count: rows.length };
  });
}

/** A row that can never be enqueued (unknown job, bad payload) is logged and marked sent so it cannot block the outbox. */
function toEnqueuable(row: OutboxRow, logger: Logger): Enqueuable | null {
  try {
    if (!isJobName(row.job_name)) throw new Error(`unknown job ${row.job_name}`);
    const { delayMs, ...payload } = (row.payload ?? {}) as Record<string, unknown>;
    const data = parsePayload(row.job_name, payload);
    // The row's queue carries the pool (writeOutbox wrote it from the catalogue); a queue that is
    // not one of this job's cannot be honoured, and guessing a pool could hand a production job
    // to another pool's workers, so such a row is dropped like a bad payload.
    const pool = poolOfQueue(row.job_name, row.queue);
    if (pool === null) throw new Error(`queue ${row.queue} is not a queue of ${row.job_name}`);
    const delay = typeof delayMs === "number" && delayMs > 0 ? Math.max(0, delayMs - row.age_ms) : 0;
    return { row, name: row.job_name, pool, data, delayMs: delay };
  } catch (e) {
    logger.error("dropping outbox row that cannot be enqueued", { outboxId: String(row.id), jobId: row.job_id, error: (e as Error).message });
    return null;
  }
}

async function markSent(ids: bigint[], tx: Tx): Promise<void> {
  await tx.$executeRaw`UPDATE outbox SET sent_at = now() WHERE id = ANY(${ids.map(String)}::bigint[])`;
}

/** Sent rows are history only; keep a day of them for debugging. */
async function pruneSent(db: Db): Promise<void> {
  await db.$executeRaw`
    DELETE FROM outbox WHERE id IN (
      SELECT id FROM outbox WHERE sent_at < now() - interval '1 day' ORDER BY id LIMIT 10000)`;
}

export function startOutboxDispatcher(opts: OutboxDispatcherOptions): OutboxDispatcher {
  const logger = (opts.logger ?? createLogger()).child({ component: "outbox" });
  let current: Promise<number> | null = null;
  let trailing: Promise<number> | null = null;

  const drain = async (): Promise<number> => {
    let total = 0;
    try {
      for (;;) {
        const { count } = await dispatchOutboxBatch(opts.db, opts.queues, logger);
        total += count;
        if (count < BATCH || opts.signal.aborted) return total;
      }
    } catch (e) {
      // Redis or Postgres away: the rows stay unsent and the next pass retries them.
      logger.warn("outbox dispatch failed; will retry", { error: (e as Error).message });
      return total;
    }
  };

  // Single flight with one trailing pass: a call during a pass gets a pass that starts after it,
  // so rows committed just before the call are always picked up.
  const dispatchNow = (): Promise<number> => {
    if (!current) {
      current = drain().finally(() => {
        current = null;
      });
      return current;
    }
    trailing ??= current.then(() => {
      trailing = null;
      return dispatchNow();
    });
    return trailing;
  };

  const stopped = (async () => {
    const listener = opts.listenUrl ? listenForOutbox(opts.listenUrl, () => void dispatchNow(), opts.signal, logger) : null;
    let lastPrune = 0;
    while (!opts.signal.aborted) {
      await dispatchNow();
      if (Date.now() - lastPrune > 10 * 60_000) {
        lastPrune = Date.now();
        await pruneSent(opts.db).catch((e) => logger.warn("outbox prune failed", { error: (e as Error).message }));
      }
      await sleep(opts.intervalMs, opts.signal);
    }
    await Promise.all([current, trailing, listener?.closed]);
  })();

  return { dispatchNow, stopped };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
