// Server-Sent Events for one run. PostgreSQL is the source of truth, so the stream polls it with
// cheap queries (only nodes that can still change, only log lines past a per-node cursor) and
// pushes what changed. Closes once the run has settled, after sending its final state.
import { TERMINAL_NODE, TERMINAL_RUN, type NodeStatus, type RunStatus } from "@galley/runs";
import type { Db } from "@galley/db";
import { getRunDetail, NODE_SELECT, toNodeView, type TNodeRunView } from "./read-models/runs";

export interface RunEventOptions {
  intervalMs?: number;
  heartbeatMs?: number;
  /** Log lines per node per tick; a node with more is read again at once on the next tick. */
  logLinesPerNode?: number;
  /** A cancelled run's running nodes stop within seconds; past this the stream closes anyway. */
  settleGraceMs?: number;
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  // no-transform keeps the compression middleware from buffering the stream.
  "cache-control": "no-cache, no-store, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

type NodeRow = { id: string; nodeId: string; status: string; attempt: number; maxAttempts: number; type: string; queuedAt: Date | null; startedAt: Date | null; finishedAt: Date | null; error: string | null; outputs: unknown; logBytes: number; logTruncated: boolean };
type LogRow = { id: bigint; node_run_id: string; attempt: number; stream: string; line: string; at: Date };

const signature = (n: NodeRow) => `${n.status}|${n.attempt}|${n.startedAt?.getTime()}|${n.finishedAt?.getTime()}|${n.error}|${n.logTruncated}`;
const isTerminalNode = (s: string) => TERMINAL_NODE.has(s as NodeStatus);

/** Per node, the last log line id written so far (one index probe per node). */
async function lastLogIds(db: Db, nodeRunIds: string[]): Promise<Map<string, bigint>> {
  if (!nodeRunIds.length) return new Map();
  const rows = await db.$queryRaw<{ nr: string; last: bigint | null }[]>`
    SELECT c.nr::text AS nr, (SELECT max(l.id) FROM node_logs l WHERE l.node_run_id = c.nr) AS last
    FROM unnest(${nodeRunIds}::uuid[]) AS c(nr)`;
  return new Map(rows.map((r) => [r.nr, r.last ?? 0n]));
}

/**
 * Log lines past each node's cursor. Per node, because one node's lines are written by one sink
 * in order (a batch commits before the next starts), while ids of different nodes interleave:
 * a single global cursor could skip a slow transaction's lines.
 */
async function logsAfter(db: Db, cursors: [string, bigint][], perNode: number): Promise<LogRow[]> {
  if (!cursors.length) return [];
  return db.$queryRaw<LogRow[]>`
    SELECT l.id, l.node_run_id::text AS node_run_id, l.attempt, l.stream, l.line, l.at
    FROM unnest(${cursors.map((c) => c[0])}::uuid[], ${cursors.map((c) => c[1])}::bigint[]) AS c(nr, after)
    CROSS JOIN LATERAL (
      SELECT id, node_run_id, attempt, stream, line, at FROM node_logs
      WHERE node_run_id = c.nr AND id > c.after ORDER BY id LIMIT ${perNode}
    ) l
    ORDER BY l.id`;
}

export function runEventStream(db: Db, runId: string, signal: AbortSignal, options: RunEventOptions = {}): ReadableStream<Uint8Array> {
  const o = { intervalMs: 300, heartbeatMs: 15_000, logLinesPerNode: 500, settleGraceMs: 60_000, ...options };
  const encoder = new TextEncoder();
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      const send = (event: string, data: unknown) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      const stop = () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        clearInterval(heartbeat);
        signal.removeEventListener("abort", stop);
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      };
      signal.addEventListener("abort", stop);
      if (signal.aborted) return stop();
      heartbeat = setInterval(() => write(`: heartbeat ${new Date().toISOString()}\n\n`), o.heartbeatMs);
      write(`retry: 3000\n\n`);
      void watch(db, runId, o, send, () => closed, (fn, ms) => (timer = setTimeout(fn, ms))).then(stop, stop);
    },
    cancel() {
      closed = true;
      clearTimeout(timer);
      clearInterval(heartbeat);
    },
  });
}

type Send = (event: string, data: unknown) => void;

async function watch(
  db: Db, runId: string, o: Required<RunEventOptions>, send: Send, isClosed: () => boolean,
  later: (fn: () => void, ms: number) => void,
): Promise<void> {
  // Rows first, then the snapshot: a change between the two shows up as a change on the first tick.
  const rows = await db.nodeRun.findMany({ where: { runId }, select: NODE_SELECT });
  const detail = await getRunDetail(db, runId);
  const shown = new Map(detail.nodes.map((n) => [n.nodeId, n]));
  const byId = new Map(rows.map((n) => [n.id, n]));
  const seen = new Map(rows.map((n) => [n.id, shown.has(n.nodeId) ? signature({ ...n, ...shown.get(n.nodeId)! }) : ""]));
  const open = new Set(rows.filter((n) => !isTerminalNode(n.status)).map((n) => n.id));
  const cursors = await lastLogIds(db, [...open]);
  send("snapshot", detail);
  let runState = { status: detail.run.status as string, finishedAt: detail.run.finishedAt?.getTime() };
  let settledSince = TERMINAL_RUN.has(runState.status as RunStatus) ? Date.now() : null;
  if (settledSince !== null && open.size === 0) return send("end", { status: runState.status });

  let drain = new Set<string>();
  let failures = 0;
  for (;;) {
    await new Promise<void>((r) => later(r, o.intervalMs));
    if (isClosed()) return;
    try {
      const run = await db.run.findUnique({ where: { id: runId }, select: { status: true, startedAt: true, finishedAt: true, error: true } });
      if (!run) return send("end", { status: "deleted" });
      // Only nodes that may still change: terminal nodes never do.
      const changed = open.size ? await db.nodeRun.findMany({ where: { runId, id: { in: [...open] } }, select: NODE_SELECT }) : [];
      const nodeEvents: TNodeRunView[] = [];
      for (const n of changed) {
        byId.set(n.id, n);
        if (isTerminalNode(n.status)) open.delete(n.id);
        if (seen.get(n.id) === signature(n)) continue;
        seen.set(n.id, signature(n));
        nodeEvents.push(toNodeView(n));
        drain.add(n.id); // its last lines may have landed with the status change
      }
      for (const n of nodeEvents) send("node", n);

      const reading = new Set([...drain, ...changed.filter((n) => n.status === "running").map((n) => n.id)]);
      const lines = await logsAfter(db, [...reading].map((id) => [id, cursors.get(id) ?? 0n]), o.logLinesPerNode);
      const perNode = new Map<string, number>();
      for (const l of lines) {
        cursors.set(l.node_run_id, l.id);
        perNode.set(l.node_run_id, (perNode.get(l.node_run_id) ?? 0) + 1);
        send("log", { nodeId: byId.get(l.node_run_id)?.nodeId, attempt: l.attempt, stream: l.stream, line: l.line, id: Number(l.id), at: l.at });
      }
      // A node whose page was full has more to read; everything else is drained.
      drain = new Set([...perNode].filter(([, count]) => count >= o.logLinesPerNode).map(([id]) => id));

      if (run.status !== runState.status || run.finishedAt?.getTime() !== runState.finishedAt) {
        runState = { status: run.status, finishedAt: run.finishedAt?.getTime() };
        send("run", { id: runId, ...run });
      }
      if (TERMINAL_RUN.has(run.status as RunStatus)) settledSince ??= Date.now();
      const settled = settledSince !== null && drain.size === 0 && (open.size === 0 || Date.now() - settledSince > o.settleGraceMs);
      if (settled) return send("end", { status: run.status });
      failures = 0;
    } catch (e) {
      // The database blinking is survivable; a dead one ends the stream and EventSource reconnects.
      if (++failures >= 10) throw e;
    }
  }
}
