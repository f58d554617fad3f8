import type { Logger } from "@galley/core";
import { listen } from "@galley/db";
import { OUTBOX_CHANNEL } from "./outbox";

/**
 * LISTENs for outbox commits made by other processes (web creating a run) so the dispatcher
 * does not wait for its poll. Reconnects after errors; the poll covers the gaps.
 */
export function listenForOutbox(url: string, onNotify: () => void, signal: AbortSignal, logger: Logger): { closed: Promise<void> } {
  // Rows committed while we were not listening are found by the pass after (re)connecting.
  return listen(url, OUTBOX_CHANNEL, { onNotify, onConnected: onNotify }, signal, logger, "galley-outbox-listener");
}
