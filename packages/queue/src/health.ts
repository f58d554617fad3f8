import type { Redis } from "ioredis";

export interface QueueHealthStatus {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/** Health endpoints call ping(); it answers within timeoutMs even when Redis hangs (SIGSTOP). */
export interface QueueHealth {
  ping(): Promise<QueueHealthStatus>;
}

export function createQueueHealth(redis: Redis, opts: { timeoutMs?: number } = {}): QueueHealth {
  const timeoutMs = opts.timeoutMs ?? 1_000;
  return {
    async ping() {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          redis.ping(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return { ok: true, latencyMs: performance.now() - started };
      } catch (e) {
        return { ok: false, latencyMs: performance.now() - started, error: (e as Error).message };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
