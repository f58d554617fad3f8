import type { Logger } from "@galley/core";
import { Redis } from "ioredis";

export type RedisRole = "worker" | "producer";
export type { Redis };

export interface ConnectRedisOptions {
  /** Boot gives up (and the process exits) when Redis is not ready by then. */
  readyTimeoutMs?: number;
  /** Connection errors are logged here (ioredis keeps reconnecting); without it they are ignored. */
  logger?: Logger;
}

/**
 * Workers block on Redis and must never give up on a command (maxRetriesPerRequest: null);
 * producers (web, the outbox dispatcher) fail fast instead of queueing commands while Redis
 * is away (enableOfflineQueue: false). Reconnects back off from 1 s to 20 s.
 */
export async function connectRedis(url: string, role: RedisRole, opts: ConnectRedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, {
    ...(role === "worker" ? { maxRetriesPerRequest: null } : { enableOfflineQueue: false }),
    retryStrategy: (times) => Math.max(Math.min(Math.exp(times), 20_000), 1_000),
    connectionName: `galley-${role}`,
    lazyConnect: true,
  });
  // Without a listener ioredis prints "Unhandled error event" on every reconnect attempt.
  redis.on("error", (e: Error) => opts.logger?.warn("redis connection error", { role, error: e.message }));
  const timeoutMs = opts.readyTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis at ${redactUrl(url)} not ready within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (e) {
    redis.disconnect();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return redis;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable REDIS_URL)";
  }
}

/** Reads the eviction policy: CONFIG GET where allowed, INFO memory where CONFIG is disabled (managed Redis). */
export async function readEvictionPolicy(redis: Redis): Promise<string> {
  try {
    const [, policy] = (await redis.config("GET", "maxmemory-policy")) as string[];
    if (policy) return policy;
  } catch {
    // CONFIG may be renamed or forbidden; INFO carries the same setting.
  }
  const info = await redis.info("memory");
  const match = /^maxmemory_policy:(\S+)/m.exec(info);
  if (!match) throw new Error("Could not read Redis maxmemory-policy (neither CONFIG GET nor INFO memory answered)");
  return match[1];
}

/**
 * BullMQ only warns when Redis may evict keys; an evicted job or lock silently loses work.
 * Web and worker call this at boot and refuse to start.
 */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const policy = await readEvictionPolicy(redis);
  if (policy !== "noeviction") {
    throw new Error(`Redis maxmemory-policy is ${policy}; BullMQ needs noeviction (set it with CONFIG SET maxmemory-policy noeviction)`);
  }
}
