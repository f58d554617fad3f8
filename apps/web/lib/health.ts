// Health of what Galley depends on. Probes run in the background (every second, one round at a
// time, each check bounded to ~1.5 s) and /api/health answers from the latest round: load
// balancers can poll it as often as they like without adding database or Redis work, and it
// answers at once even while a dependency hangs.
import { execFile } from "node:child_process";
import http from "node:http";
import { connectRedis, createQueueHealth, readEvictionPolicy, type Redis } from "@galley/queue";
import { config } from "./config";
import { db, logger } from "./deps";
import { listPoolStatus, poolsWithoutWorkers } from "./read-models/worker-pools";

export interface Check {
  up: boolean;
  reason?: string;
}
export type CheckName = "database" | "redis" | "docker" | "git" | "worker" | "pools";
export interface Health {
  status: "ok" | "degraded";
  checks: Record<CheckName, Check>;
  /** When this round of probes finished (ISO time). */
  checkedAt: string;
}

const TIMEOUT_MS = 1500;
/** A worker that has not written a heartbeat for this long counts as gone. */
export const WORKER_STALE_MS = 60_000;

function withTimeout<T>(p: Promise<T>, ms = TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Short, user-facing reasons; never a connection string. */
function reasonOf(e: unknown): string {
  const code = (e as { code?: string })?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOENT") return "not found";
  if (code === "EACCES") return "permission denied";
  const msg = (e as Error)?.message ?? String(e);
  // Prisma puts the useful part ("Can't reach database server at …") on the last line.
  const lines = msg.split("\n").map((l) => l.trim()).filter(Boolean);
  const last = lines.at(-1) ?? "failed";
  return (/Message: `(.+)`$/.exec(last)?.[1] ?? last).replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, "<url>").slice(0, 200);
}

async function check(fn: () => Promise<Check | void>): Promise<Check> {
  try {
    return (await withTimeout(fn().then((r) => r ?? { up: true }))) as Check;
  } catch (e) {
    return { up: false, reason: reasonOf(e) };
  }
}

function dockerPing(socketPath: string): Promise<Check> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: "/_ping", timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? { up: true } : { up: false, reason: `engine answered ${res.statusCode}` });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on("error", (e) => reject((e as { code?: string }).code === "ENOENT" ? new Error(`${socketPath} not found (engine not running)`) : e));
  });
}

function gitVersion(): Promise<void> {
  return new Promise((resolve, reject) => execFile("git", ["--version"], { timeout: TIMEOUT_MS }, (e) => (e ? reject(e) : resolve())));
}

export async function checkHealth(): Promise<Health> {
  const c = config();
  const dockerRequired = c.GALLEY_EXECUTOR === "docker";
  const [database, redis, docker, git, worker, pools] = await Promise.all([
    check(async () => {
      await db().$queryRaw`SELECT 1`;
    }),
    check(async () => {
      const redis = await healthRedis(c.REDIS_URL);
      const ping = await createQueueHealth(redis, { timeoutMs: TIMEOUT_MS }).ping();
      if (!ping.ok) return { up: false, reason: ping.error };
      const policy = await readEvictionPolicy(redis);
      return policy === "noeviction" ? { up: true } : { up: false, reason: `Redis maxmemory-policy is ${policy}; Galley needs noeviction` };
    }),
    dockerRequired ? check(() => dockerPing(c.GALLEY_DOCKER_SOCKET)) : Promise.resolve({ up: true, reason: "not used (GALLEY_EXECUTOR=local)" }),
    check(gitVersion),
    check(async () => {
      const last = await db().workerHeartbeat.findFirst({ where: { stoppedAt: null }, orderBy: { beatAt: "desc" }, select: { beatAt: true } });
      if (!last) return { up: false, reason: "no worker has reported yet" };
      const age = Date.now() - last.beatAt.getTime();
      return age < WORKER_STALE_MS ? { up: true } : { up: false, reason: `last heartbeat ${Math.round(age / 1000)} s ago` };
    }),
    // Every pool an environment names needs a live worker, or that environment's runs wait.
    check(async () => {
      const missing = poolsWithoutWorkers(await listPoolStatus(db(), WORKER_STALE_MS));
      return missing ? { up: false, reason: missing } : { up: true };
    }),
  ]);
  const checks = { database, redis, docker, git, worker, pools };
  return { status: Object.values(checks).every((x) => x.up) ? "ok" : "degraded", checks, checkedAt: new Date().toISOString() };
}

// One producer connection (@galley/queue's client) for the probes, made on first use.
let redisConn: Promise<Redis> | undefined;
function healthRedis(url: string): Promise<Redis> {
  redisConn ??= connectRedis(url, "producer", { readyTimeoutMs: TIMEOUT_MS, logger: logger() }).catch((e) => {
    redisConn = undefined;
    throw e;
  });
  return redisConn;
}

export const PROBE_INTERVAL_MS = 1_000;
let latest: Health | undefined;
let inflight: Promise<Health> | undefined;
let timer: ReturnType<typeof setInterval> | undefined;

function probe(): Promise<Health> {
  inflight ??= checkHealth()
    .then((h) => (latest = h))
    .finally(() => (inflight = undefined));
  return inflight;
}

/**
 * The latest round of probes (at most a second old while probes answer; a hung dependency
 * shows as down once its check times out). Starts the background probes on first use.
 */
export async function currentHealth(): Promise<Health> {
  if (!timer) {
    timer = setInterval(() => void probe(), PROBE_INTERVAL_MS);
    timer.unref();
  }
  return latest ?? probe();
}

/** For page renders (same background probes). */
export const checkHealthCached = currentHealth;
