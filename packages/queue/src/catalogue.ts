import { z } from "zod";

export interface Backoff {
  type: "fixed" | "exponential";
  delayMs: number;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  /** BullMQ queue the job goes to; one queue per job so each gets its own worker and concurrency. */
  queue: string;
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
};

export type JobName = keyof typeof JOBS;
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
