"use client";
// Logs of the nodes a reader opened: loaded through the API, then followed through the event
// stream. Lines are ordered by id per node; while a node's history is loading, live lines wait
// in a buffer so nothing is shown twice or out of order.
import { useCallback, useEffect, useRef, useState } from "react";
import type { LogLine } from "./types";

interface NodeLog {
  lines: LogLine[];
  maxId: number;
  loading: boolean;
  buffer: LogLine[];
  truncated: boolean;
  error: string | null;
}

/** Keeps the browser's memory bounded for 5 MiB logs; the oldest lines go first. */
const MAX_KEPT = 20_000;

export function useNodeLogs(runId: string) {
  const logs = useRef(new Map<string, NodeLog>());
  const [, setVersion] = useState(0);
  const frame = useRef<number | null>(null);

  // Many lines arrive per tick of the stream: re-render at most once per animation frame.
  const changed = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      setVersion((v) => v + 1);
    });
  }, []);
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null; // a remount (Strict Mode) must be able to schedule again
    },
    [],
  );

  const append = (log: NodeLog, lines: LogLine[]) => {
    for (const l of lines) if (l.id > log.maxId) (log.lines.push(l), (log.maxId = l.id));
    if (log.lines.length > MAX_KEPT) log.lines.splice(0, log.lines.length - MAX_KEPT);
  };

  /** Loads (or catches up) a node's log from the API. */
  const load = useCallback(async (nodeId: string) => {
    let log = logs.current.get(nodeId);
    if (!log) logs.current.set(nodeId, (log = { lines: [], maxId: 0, loading: false, buffer: [], truncated: false, error: null }));
    if (log.loading) return;
    log.loading = true;
    log.error = null;
    changed();
    try {
      for (let page = 0; page < 200; page++) {
        const res = await fetch(`/api/runs/${runId}/nodes/${encodeURIComponent(nodeId)}/logs?after=${log.maxId}`, { cache: "no-store" });
        const body = await res.json().catch(() => null);
        if (!res.ok) throw new Error(body?.error?.message ?? `could not load the log (${res.status})`);
        append(log, body.lines);
        log.truncated = body.truncated;
        if (!body.hasMore) break;
      }
    } catch (e) {
      log.error = (e as Error).message;
    } finally {
      log.loading = false;
      append(log, log.buffer.sort((a, b) => a.id - b.id));
      log.buffer = [];
      changed();
    }
  }, [runId, changed]);

  /** A line from the event stream: kept only for nodes someone opened. */
  const onLine = useCallback((nodeId: string, line: LogLine) => {
    const log = logs.current.get(nodeId);
    if (!log) return;
    if (log.loading) log.buffer.push(line);
    else append(log, [line]);
    changed();
  }, [changed]);

  /** After (re)connecting, lines written while we were away are fetched again. */
  const catchUp = useCallback(() => {
    for (const nodeId of logs.current.keys()) void load(nodeId);
  }, [load]);

  const get = (nodeId: string): NodeLog | undefined => logs.current.get(nodeId);
  return { get, load, onLine, catchUp };
}
