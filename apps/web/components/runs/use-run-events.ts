"use client";
// Follows a run through GET /api/runs/:id/events. EventSource reconnects by itself (the server
// asks for 3 s); every (re)connection starts with a snapshot, so nothing missed stays missing.
import { useEffect, useRef, useState } from "react";
import type { LogLine, NodeWire, RunDetailWire, RunWire } from "./types";

export type Connection = "connecting" | "live" | "reconnecting" | "ended" | "failed";

export interface RunEventHandlers {
  onSnapshot(detail: RunDetailWire): void;
  onNode(node: NodeWire): void;
  onLog(nodeId: string, line: LogLine): void;
  onRun(run: Partial<RunWire> & { status: string }): void;
  /** The run waits for its pool (no live worker, or at its capacity limit); null when not. */
  onWaiting?(waiting: RunWaitingWire | null): void;
}

export type RunWaitingWire = { pool: string; reason: "no_worker" } | { pool: string; reason: "capacity"; limit: number; running: number };

export function useRunEvents(runId: string, enabled: boolean, handlers: RunEventHandlers): { connection: Connection; reconnect(): void } {
  const [connection, setConnection] = useState<Connection>(enabled ? "connecting" : "ended");
  const [attempt, setAttempt] = useState(0);
  const h = useRef(handlers);
  useEffect(() => {
    h.current = handlers;
  });

  useEffect(() => {
    if (!enabled) return;
    const es = new EventSource(`/api/runs/${runId}/events`);
    const on = (name: string, fn: (data: any) => void) => es.addEventListener(name, (e) => fn(JSON.parse((e as MessageEvent).data)));
    es.onopen = () => setConnection("live");
    on("snapshot", (d) => {
      setConnection("live");
      h.current.onSnapshot(d);
    });
    on("node", (n) => h.current.onNode(n));
    on("log", (l) => l.nodeId && h.current.onLog(l.nodeId, l));
    on("run", (r) => h.current.onRun(r));
    on("waiting", (w) => h.current.onWaiting?.(w));
    on("end", () => {
      // The run settled: close before EventSource reconnects on its own.
      es.close();
      setConnection("ended");
    });
    es.onerror = () => setConnection(es.readyState === EventSource.CLOSED ? "failed" : "reconnecting");
    return () => es.close();
  }, [runId, enabled, attempt]);

  return { connection, reconnect: () => (setConnection("connecting"), setAttempt((a) => a + 1)) };
}
