// Health of what Galley depends on. Each check answers within ~1.5 s, so /api/health answers
// 503 quickly when something hangs rather than hanging with it.
import { execFile } from "node:child_process";
import http from "node:http";
import { config } from "./config";
import { db } from "./deps";
import { evictionMessage, redisCommands } from "./redis-check";

export interface Check {
  up: boolean;
  reason?: string;
}
export type CheckName = "database" | "redis" | "docker" | "git" | "worker";
export interface Health {
  status: "ok" | "degraded";
  checks: Record<CheckName, Check>;
}

const TIMEOUT_MS = 1500;
const DOCKER_SOCKET = "/var/run/docker.sock";
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

function dockerPing(): Promise<Check> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: DOCKER_SOCKET, path: "/_ping", timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? { up: true } : { up: false, reason: `engine answered ${res.statusCode}` });
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on("error", (e) => reject((e as { code?: string }).code === "ENOENT" ? new Error(`${DOCKER_SOCKET} not found (engine not running)`) : e));
  });
}

function gitVersion(): Promise<void> {
  return new Promise((resolve, reject) => execFile("git", ["--version"], { timeout: TIMEOUT_MS }, (e) => (e ? reject(e) : resolve())));
}

export async function checkHealth(): Promise<Health> {
  const c = config();
  const dockerRequired = c.GALLEY_EXECUTOR === "docker";
  const [database, redis, docker, git, worker] = await Promise.all([
    check(async () => {
      await db().$queryRaw`SELECT 1`;
    }),
    check(async () => {
      const [pong, info] = await redisCommands(c.REDIS_URL, [["PING"], ["INFO", "memory"]], TIMEOUT_MS);
      if (pong !== "PONG") return { up: false, reason: `unexpected PING reply ${String(pong)}` };
      const policy = /^maxmemory_policy:(\S+)/m.exec(String(info))?.[1] ?? "unknown";
      return policy === "noeviction" ? { up: true } : { up: false, reason: evictionMessage(policy) };
    }),
    dockerRequired ? check(dockerPing) : Promise.resolve({ up: true, reason: "not used (GALLEY_EXECUTOR=local)" }),
    check(gitVersion),
    check(async () => {
      const last = await db().workerHeartbeat.findFirst({ orderBy: { beatAt: "desc" }, select: { beatAt: true } });
      if (!last) return { up: false, reason: "no worker has reported yet" };
      const age = Date.now() - last.beatAt.getTime();
      return age < WORKER_STALE_MS ? { up: true } : { up: false, reason: `last heartbeat ${Math.round(age / 1000)} s ago` };
    }),
  ]);
  const checks = { database, redis, docker, git, worker };
  return { status: Object.values(checks).every((x) => x.up) ? "ok" : "degraded", checks };
}

let cached: { at: number; value: Promise<Health> } | undefined;

/** For page renders: at most one round of checks every 5 s however many people load pages. */
export function checkHealthCached(maxAgeMs = 5000): Promise<Health> {
  if (!cached || Date.now() - cached.at > maxAgeMs) cached = { at: Date.now(), value: checkHealth() };
  return cached.value;
}
