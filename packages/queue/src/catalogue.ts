import { z } from "zod";

export interface Backoff {
  type: "fixed" | "exponential";
  delayMs: number;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  /** BullMQ queue the job goes to; one queue per job so each gets its own worker and concurrency. */
  queue: string;
  /**
   * One queue per worker pool: the job goes to `queueFor(name, pool)` and only workers of that
   * pool consume it (the `default` pool keeps the plain queue name).
   */
  pooled?: boolean;
  /** Ids only, never data or secrets: BullMQ stores job data in clear text in Redis. Use .strict(). */
  payload: S;
  /** Deterministic id: BullMQ ignores an add while a job with the same id exists. */
  jobId?: (payload: z.infer<S>) => string;
  /** BullMQ-level attempts for infrastructure failures (node retries are modelled in Postgres). */
  attempts: number;
  backoff?: Backoff;
  /** BullMQ has no job timeout: the worker aborts the handler's signal and fails the attempt. */
  timeoutMs: number;
}

/** Alert events a route can subscribe to: the one list (@galley/alerts re-exports it; carried in alert.event jobs). */
export const ALERT_EVENTS = [
  "run.started",
  "run.succeeded",
  "run.failed",
  "run.recovered",
  "test.warned",
  "test.failed",
  "run.overdue",
  "schedule.missed",
  "merge_request.opened",
  "merge_request.approved",
  "merge_request.merged",
] as const;

const defineJob = <S extends z.ZodType>(d: JobDefinition<S>): JobDefinition<S> => d;

// Same rule as @galley/pipelines NODE_ID_RE; repeated so the adapter depends on no domain package.
const ZNodeId = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "node ids are lowercase letters, digits and _");

/**
 * The one job catalogue. Adding a job is one entry here; its payload type, enqueue validation
 * and dequeue validation follow. The key `delayMs` is reserved by the outbox: do not use it in a payload.
 */
export const JOBS = {
  "node.execute": defineJob({
    queue: "nodes",
    pooled: true,
    payload: z.object({ runId: z.uuid(), nodeId: ZNodeId, attempt: z.number().int().min(0).max(10_000) }).strict(),
    jobId: (p) => `node:${p.runId}:${p.nodeId}:${p.attempt}`,
    attempts: 3,
    backoff: { type: "exponential", delayMs: 1_000 },
    // A safety net above node timeouts (enforced by the executor), not the node timeout itself.
    timeoutMs: 24 * 60 * 60 * 1000,
  }),
  "run.reconcile": defineJob({
    queue: "reconcile",
    payload: z.object({}).strict(),
    attempts: 1,
    timeoutMs: 60_000,
  }),
  // Something happened that a Kitchen's alert routes may want to hear about: the handler reads the
  // routes subscribed to it and writes one delivery per route (deduplicated by event and route).
  "alert.event": defineJob({
    queue: "alerts",
    payload: z
      .object({
        event: z.enum(ALERT_EVENTS),
        runId: z.uuid().optional(),
        nodeId: ZNodeId.optional(),
        tickId: z.uuid().optional(),
        // Merge request events: the request, and for an approval the review that approved.
        requestId: z.uuid().optional(),
        reviewId: z.uuid().optional(),
      })
      .strict()
      .refine(
        (p) => (p.event === "schedule.missed" ? !!p.tickId : p.event.startsWith("merge_request.") ? !!p.requestId : !!p.runId),
        "schedule.missed needs tickId, merge request events need requestId, run events need runId",
      ),
    jobId: (p) => `alert:${p.event}:${p.reviewId ?? p.runId ?? p.tickId ?? p.requestId}:${p.nodeId ?? "-"}`,
    attempts: 5,
    backoff: { type: "exponential", delayMs: 500 },
    timeoutMs: 30_000,
  }),
  // One message to one route. BullMQ's attempts are the delivery retries; each attempt is recorded.
  "alert.deliver": defineJob({
    queue: "alert-deliveries",
    payload: z.object({ deliveryId: z.uuid() }).strict(),
    jobId: (p) => `alert-delivery:${p.deliveryId}`,
    attempts: 5,
    backoff: { type: "exponential", delayMs: 1_000 },
    timeoutMs: 30_000,
  }),
  // A schedule's tick, recorded in schedule_ticks by the ticker: start the run or record why not.
  "schedule.fire": defineJob({
    queue: "schedules",
    payload: z.object({ tickId: z.uuid() }).strict(),
    jobId: (p) => `schedule-tick:${p.tickId}`,
    attempts: 3,
    backoff: { type: "exponential", delayMs: 1_000 },
    timeoutMs: 120_000,
  }),
  // Fires at a run's declared max_duration: alert if it is still going, and stop it when asked to.
  "run.deadline": defineJob({
    queue: "deadlines",
    payload: z.object({ runId: z.uuid() }).strict(),
    jobId: (p) => `run-deadline:${p.runId}`,
    attempts: 3,
    backoff: { type: "exponential", delayMs: 1_000 },
    timeoutMs: 60_000,
  }),
};

export type JobName = keyof typeof JOBS;

/** A worker pool's name (environments.pool has the same CHECK). */
export const POOL_RE = /^[a-z][a-z0-9-]{0,39}$/;
export const DEFAULT_POOL = "default";
export const ZPool = z.string().regex(POOL_RE, "a pool name is lowercase letters, digits and -, starting with a letter (at most 40)");

/**
 * The BullMQ queue of a job in a pool. `default` keeps the plain name, so a deployment from before
 * pools keeps its waiting jobs; another pool gets `<queue>-<pool>` (BullMQ refuses ':' in names).
 */
export function queueFor(name: JobName, pool: string = DEFAULT_POOL): string {
  const def = JOBS[name] as unknown as JobDefinition;
  if (!def.pooled || pool === DEFAULT_POOL) return def.queue;
  ZPool.parse(pool);
  return `${def.queue}-${pool}`;
}

/** The pool an outbox row's queue names for this job, or null when the queue is not one of the job's. */
export function poolOfQueue(name: JobName, queue: string): string | null {
  const def = JOBS[name] as unknown as JobDefinition;
  if (queue === def.queue) return DEFAULT_POOL;
  if (!def.pooled || !queue.startsWith(`${def.queue}-`)) return null;
  const pool = queue.slice(def.queue.length + 1);
  return POOL_RE.test(pool) && pool !== DEFAULT_POOL ? pool : null;
}
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]["payload"]>;

export const JOB_NAMES = Object.keys(JOBS) as JobName[];

export function isJobName(name: string): name is JobName {
  return Object.prototype.hasOwnProperty.call(JOBS, name);
}

export function jobDefinition<N extends JobName>(name: N): JobDefinition {
  return JOBS[name] as unknown as JobDefinition;
}

/**
 * Galley job ids read `node:<runId>:<nodeId>:<attempt>`, but BullMQ 5 refuses ids with ':' (except
 * legacy 3-part ones). Percent-encoding '%' and ':' is injective, so dedupe by id still holds.
 */
export function toBullJobId(jobId: string): string {
  return jobId.replaceAll("%", "%25").replaceAll(":", "%3A");
}

export function fromBullJobId(bullJobId: string): string {
  return bullJobId.replaceAll("%3A", ":").replaceAll("%25", "%");
}
