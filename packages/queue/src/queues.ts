import { AppError } from "@galley/core";
import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { isJobName, jobDefinition, queueFor, toBullJobId, type JobName, type JobPayload } from "./catalogue";

/** Producer side: one BullMQ Queue per catalogue queue over one shared producer connection. */
export interface Queues {
  readonly prefix: string;
  /** waiting | delayed | active | completed | failed | prioritized | unknown (not in Redis). `pool`: for pooled jobs. */
  jobState(name: JobName, jobId: string, pool?: string): Promise<string>;
  /** Removes a completed or failed job (a live one is left alone) so its id can be added again. */
  removeFinished(name: JobName, jobId: string, pool?: string): Promise<void>;
  /**
   * At most `limit` jobs of this queue active at once across every worker (BullMQ global
   * concurrency, checked atomically when a worker takes a job); null removes the limit.
   */
  setConcurrencyLimit(name: JobName, pool: string | undefined, limit: number | null): Promise<void>;
  /** Jobs per state, for health pages. */
  counts(name: JobName, pool?: string): Promise<Record<string, number>>;
  close(): Promise<void>;
}

// The BullMQ Queue objects stay inside this package (the dispatcher and tests reach them here).
const bullQueues = new WeakMap<Queues, (name: JobName, pool?: string) => Queue>();

export function bullQueue(queues: Queues, name: JobName, pool?: string): Queue {
  const get = bullQueues.get(queues);
  if (!get) throw new Error("not a Queues object from createQueues");
  return get(name, pool);
}

export function createQueues(opts: { connection: Redis; prefix: string }): Queues {
  const byQueue = new Map<string, Queue>();
  const get = (name: JobName, pool?: string): Queue => {
    const queueName = queueFor(name, pool);
    let q = byQueue.get(queueName);
    if (!q) {
      q = new Queue(queueName, { connection: opts.connection, prefix: opts.prefix });
      byQueue.set(queueName, q);
    }
    return q;
  };
  const queues: Queues = {
    prefix: opts.prefix,
    jobState: (name, jobId, pool) => get(name, pool).getJobState(toBullJobId(jobId)),
    async removeFinished(name, jobId, pool) {
      const job = await get(name, pool).getJob(toBullJobId(jobId));
      if (job && ((await job.isCompleted()) || (await job.isFailed()))) await job.remove();
    },
    async setConcurrencyLimit(name, pool, limit) {
      const q = get(name, pool);
      if (limit === null) await q.removeGlobalConcurrency();
      else await q.setGlobalConcurrency(limit);
    },
    counts: (name, pool) => get(name, pool).getJobCounts(),
    async close() {
      await Promise.all([...byQueue.values()].map((q) => q.close()));
      byQueue.clear();
    },
  };
  bullQueues.set(queues, get);
  return queues;
}

/** Validates a payload against the catalogue; AppError invalid_input lists the offending paths. */
export function parsePayload<N extends JobName>(name: N, payload: unknown): JobPayload<N> {
  if (!isJobName(name)) throw new AppError("invalid_input", `unknown job ${String(name)}`, { field: "jobName" });
  const parsed = jobDefinition(name).payload.safeParse(payload);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new AppError("invalid_input", `invalid ${name} payload: ${issues.map((i) => `${i.path || "(root)"} ${i.message}`).join("; ")}`, {
      field: "payload",
      details: issues,
    });
  }
  return parsed.data as JobPayload<N>;
}

/** Galley-level job id: the given one, else the catalogue's deterministic id for the payload. */
export function resolveJobId<N extends JobName>(name: N, payload: JobPayload<N>, jobId?: string): string {
  const id = jobId ?? jobDefinition(name).jobId?.(payload);
  if (!id) throw new AppError("invalid_input", `${name} needs an explicit jobId`, { field: "jobId" });
  return id;
}

export function jobOptions(name: JobName, jobId: string, delayMs = 0): JobsOptions {
  const def = jobDefinition(name);
  return {
    jobId: toBullJobId(jobId),
    attempts: def.attempts,
    ...(def.backoff ? { backoff: { type: def.backoff.type, delay: def.backoff.delayMs } } : {}),
    ...(delayMs > 0 ? { delay: Math.round(delayMs) } : {}),
    // Kept for a while so a re-dispatched outbox row with the same id is still deduplicated.
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/**
 * Direct enqueue, for jobs that follow no database state change (e.g. a reconcile tick).
 * State changes go through writeOutbox instead: never commit, then enqueue.
 */
export async function enqueue<N extends JobName>(
  queues: Queues,
  name: N,
  payload: JobPayload<N>,
  opts: { jobId?: string; delayMs?: number; pool?: string } = {},
): Promise<{ jobId: string }> {
  const data = parsePayload(name, payload);
  const jobId = resolveJobId(name, data, opts.jobId);
  await bullQueue(queues, name, opts.pool).add(name, data, jobOptions(name, jobId, opts.delayMs));
  return { jobId };
}
