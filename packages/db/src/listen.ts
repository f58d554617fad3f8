import type { Logger } from "@galley/core";
import pg from "pg";

export interface ListenHandlers {
  onNotify(payload: string, channel: string): void;
  /** After every (re)connection: notifications sent while disconnected are lost, so re-read state. */
  onConnected?(): void;
  /** The connection is gone (notifications may be lost until onConnected): caches should stop trusting them. */
  onDisconnected?(): void;
}

/**
 * One dedicated PostgreSQL connection LISTENing on one or more channels (outside the Prisma pool:
 * a pooled connection would be handed to queries). Reconnects after errors until the signal aborts.
 */
export function listen(url: string, channels: string | readonly string[], handlers: ListenHandlers, signal: AbortSignal, logger?: Logger, name = "galley-listener"): { closed: Promise<void> } {
  const list = typeof channels === "string" ? [channels] : [...channels];
  for (const ch of list) if (!/^[a-z_][a-z0-9_]{0,62}$/.test(ch)) throw new Error(`listen: channel ${JSON.stringify(ch)} is not a plain identifier`);
  const channel = list.join(",");
  const closed = (async () => {
    let connected = false;
    while (!signal.aborted) {
      const c = new pg.Client({ connectionString: url, application_name: name });
      try {
        const ended = new Promise<void>((resolve) => {
          c.on("error", (e) => {
            logger?.warn("listener connection error", { channel, error: e.message });
            resolve();
          });
          c.on("end", () => resolve());
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
        c.on("notification", (n) => handlers.onNotify(n.payload ?? "", n.channel));
        await c.connect();
        for (const ch of list) await c.query(`LISTEN ${ch}`);
        connected = true;
        handlers.onConnected?.();
        await ended;
      } catch (e) {
        logger?.warn("listener failed; retrying", { channel, error: (e as Error).message });
      } finally {
        if (connected) handlers.onDisconnected?.();
        connected = false;
        await c.end().catch(() => {});
      }
      if (!signal.aborted) await new Promise((r) => setTimeout(r, 1_000));
    }
  })();
  return { closed };
}
