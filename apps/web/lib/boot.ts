import { assertNoEviction, connectRedis } from "@galley/queue";
import { config } from "./config";
import { startWebJanitor } from "./janitor";
import { logger } from "./deps";

/**
 * Fails fast on bad configuration and on a Redis that would evict queued jobs. An unreachable
 * Redis only warns: the web app can still serve pages, and /api/health reports it.
 */
export async function boot(): Promise<void> {
  let c;
  try {
    c = config();
  } catch (e) {
    console.error(`[galley] refusing to start: ${(e as Error).message}`);
    process.exit(1);
  }
  try {
    const redis = await connectRedis(c.REDIS_URL, "producer", { readyTimeoutMs: 1_500 });
    try {
      await assertNoEviction(redis);
    } finally {
      redis.disconnect();
    }
  } catch (e) {
    const message = (e as Error).message;
    if (/maxmemory-policy/.test(message)) {
      logger().error("refusing to start", { reason: message });
      console.error(`[galley] refusing to start: ${message}`);
      process.exit(1);
    }
    logger().warn("Redis unreachable at boot; continuing (see /api/health)", { reason: message });
  }
  startWebJanitor();
  logger().info("web ready to serve", { baseUrl: c.GALLEY_BASE_URL, executor: c.GALLEY_EXECUTOR });
}
