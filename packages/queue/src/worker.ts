import { createLogger, type Logger } from "@galley/core";
import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { fromBullJobId, jobDefinition, queueFor, type JobName, type JobPayload } from "./catalogue";
import { parsePayload } from "./queues";
import { runWithTimeout } from "./timeout";

export interface JobContext {
  /** Galley job id, e.g. `node:<runId>:<nodeId>:<attempt>`. */
  jobId: string;
  /** 1 for the first delivery; BullMQ retries and stall re-deliveries raise it. */
  delivery: number;
  /** Aborted at the catalogue timeout and on forced shutdown: stop work and return. */
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Thrown by a handler that must not run this job here (e.g. the worker's credential was revoked):
 * the job goes back to its queue for another worker after `delayMs`, without using an attempt.
 */
export class JobHandedBack extends Error {
  constructor(reason: string, readonly delayMs = 500) {
    super(reason);
    this.name = "JobHandedBack";
  }
}

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, ctx: JobContext) => Promise<void>;

export interface CreateWorkerOptions {
  /** A connection from connectRedis(url, "worker"). */
  connection: Redis;
  prefix: string;
  concurrency: number;
  /** A job whose lock is not renewed for this long counts as stalled (its worker died). */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs; re-delivery takes about lock + 2 × interval. */
  stalledIntervalMs?: number;
  logger?: Logger;
  /** The worker pool whose queue this worker consumes (pooled jobs only; default `default`). */
  pool?: string;
}

/** The only handle callers get; bullmq's types stay inside this package. */
export interface GalleyWorker {
  readonly name: JobName;
  /** force: do not wait for running handlers (their jobs stall and are re-delivered elsewhere). */
  close(force?: boolean): Promise<void>;
  isRunning(): boolean;
}

export function createWorker<N extends JobName>(name: N, handler: JobHandler<N>, opts: CreateWorkerOptions): GalleyWorker {
  const def = jobDefinition(name);
  const queue = queueFor(name, opts.pool);
  const logger = (opts.logger ?? createLogger()).child({ queue, job: name });
  const active = new Set<AbortController>();
  const processor = async (job: Job, token?: string) => {
    const jobId = fromBullJobId(job.id ?? "");
    const log = logger.child({ jobId });
    let payload: JobPayload<N>;
    try {
      if (job.name !== name) throw new Error(`job name ${job.name} on the ${queue} queue`);
      payload = parsePayload(name, job.data);
    } catch (e) {
      // Retrying cannot fix a bad payload: fail it once, loudly.
      log.error("invalid job payload; failing without retry", { error: (e as Error).message });
      throw new UnrecoverableError(`invalid payload: ${(e as Error).message}`);
    }
    const controller = new AbortController();
    active.add(controller);
    try {
      const delivery = job.attemptsStarted || job.attemptsMade + 1;
      await runWithTimeout(def.timeoutMs, controller, (signal) => handler(payload, { jobId, delivery, signal, logger: log }));
    } catch (e) {
      if (!(e instanceof JobHandedBack)) throw e;
      // BullMQ's documented way to put a job back from inside its processor: move it, then throw DelayedError.
      log.info("job handed back to the queue", { reason: e.message });
      await job.moveToDelayed(Date.now() + e.delayMs, token);
      throw new DelayedError();
    } finally {
      active.delete(controller);
    }
  };
  const worker = new Worker(queue, processor, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    lockDuration: opts.lockDurationMs ?? 5_000,
    stalledInterval: opts.stalledIntervalMs ?? 5_000,
    maxStalledCount: 1,
  });
  worker.on("failed", (job, err) => logger.warn("job failed", { jobId: fromBullJobId(job?.id ?? ""), attemptsMade: job?.attemptsMade, error: err.message }));
  worker.on("stalled", (id) => logger.warn("job stalled; re-delivering", { jobId: fromBullJobId(id) }));
  worker.on("error", (err) => logger.error("worker error", { error: err.message }));
  return {
    name,
    close: async (force = false) => {
      if (force) for (const c of active) c.abort(new Error("worker shutting down"));
      await worker.close(force);
    },
    isRunning: () => worker.isRunning(),
  };
}
