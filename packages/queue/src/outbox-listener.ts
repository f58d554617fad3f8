import type { Logger } from "@galley/core";
import pg from "pg";
import { OUTBOX_CHANNEL } from "./outbox";

/**
 * LISTENs for outbox commits made by other processes (web creating a run) so the dispatcher
 * does not wait for its poll. Reconnects after errors; the poll covers the gaps.
 */
export function listenForOutbox(url: string, onNotify: () => void, signal: AbortSignal, logger: Logger): { closed: Promise<void> } {
  const closed = (async () => {
    while (!signal.aborted) {
      const c = new pg.Client({ connectionString: url, application_name: "galley-outbox-listener" });
      try {
        const ended = new Promise<void>((resolve) => {
          c.on("error", (e) => {
            logger.warn("outbox listener connection error", { error: e.message });
            resolve();
          });
          c.on("end", () => resolve());
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
        c.on("notification", onNotify);
        await c.connect();
        await c.query(`LISTEN ${OUTBOX_CHANNEL}`);
        // Rows committed while we were not listening are found by this pass (or the poll).
        onNotify();
        await ended;
      } catch (e) {
        logger.warn("outbox listener failed; retrying", { error: (e as Error).message });
      } finally {
        await c.end().catch(() => {});
      }
      if (!signal.aborted) await new Promise((r) => setTimeout(r, 1_000));
    }
  })();
  return { closed };
}
