// One run's live state, shared by every page of this process that shows the run. Re-reads the
// run when told it changed (see run-hub.ts): the run row, only nodes that can still change, and
// log lines past a per-node cursor; then sends what changed to every subscriber.
import { TERMINAL_NODE, TERMINAL_RUN, type NodeStatus, type RunStatus } from "@galley/runs";
import { sqlOf, type Db } from "@galley/db";
import { getRunDetail, NODE_COLUMNS, NODE_SELECT, testResultsOf, toNodeView, type TNodeRunView } from "./read-models/runs";
import { waitingForPool, type RunWaiting } from "./read-models/worker-pools";

export interface RunWatchOptions {
  /** Without notifications (none lost, normally) the run is still re-read this often. */
  safetyPollMs?: number;
  /** Bounds the re-reads of a run that writes many log batches: at most one per this interval. */
  minGapMs?: number;
  /** Log lines per node per re-read; a node with more is read again at once. */
  logLinesPerNode?: number;
  /** A cancelled run's running nodes stop within seconds; past this the watch ends anyway. */
  settleGraceMs?: number;
  /** How often an unfinished run re-checks whether it waits for its pool (workers come and go without touching the run). */
  waitingCheckMs?: number;
  /** A worker whose heartbeat is older than this counts as gone. */
  workerStaleMs?: number;
}

export interface RunSubscriber {
  /** One Server-Sent Events frame (sseFrame): made once per change, the same bytes for every page. */
  send(frame: Uint8Array): void;
  /** The watch ended (run settled or deleted, or the database stayed away): close the stream. */
  end(): void;
}

const encoder = new TextEncoder();

/** `event: <event>\ndata: <json>\n\n`, encoded. */
export function sseFrame(event: string, data: unknown): Uint8Array {
  return encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

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

export class RunWatch {
  private readonly subs = new Map<RunSubscriber, { ready: boolean; queued: { event: string; frame: Uint8Array }[] }>();
  private readonly o: Required<RunWatchOptions>;
  private started: Promise<void> | null = null;
  private byId = new Map<string, NodeRow>();
  private seen = new Map<string, string>();
  private open = new Set<string>();
  private cursors = new Map<string, bigint>();
  private drain = new Set<string>();
  private runState: { status: string; finishedAt?: number } = { status: "" };
  private settledSince: number | null = null;
  private running = false;
  private dirty = false;
  private lastRead = 0;
  private failures = 0;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private waitingPoll: ReturnType<typeof setInterval> | undefined;
  /** "waiting for a worker in pool X" (none, or at capacity): sent as `waiting` events when it changes. */
  private waiting: RunWaiting | null = null;
  private waitingKey = "null";
  private checkingWaiting = false;

  constructor(private readonly db: Db, private readonly runId: string, options: RunWatchOptions, private readonly onClosed: () => void) {
    this.o = { safetyPollMs: 60_000, minGapMs: 100, logLinesPerNode: 500, settleGraceMs: 60_000, waitingCheckMs: 5_000, workerStaleMs: 60_000, ...options };
  }

  /** Registers before reading the snapshot, so a change after it always reaches the page. */
  async add(sub: RunSubscriber): Promise<void> {
    const entry = { ready: false, queued: [] as { event: string; frame: Uint8Array }[] };
    this.subs.set(sub, entry);
    try {
      this.started ??= this.start();
      await this.started;
      const detail = await getRunDetail(this.db, this.runId);
      sub.send(sseFrame("snapshot", detail));
      entry.ready = true;
      const queued = entry.queued.splice(0);
      if (this.waiting && !queued.some((q) => q.event === "waiting")) sub.send(sseFrame("waiting", this.waiting));
      for (const q of queued) sub.send(q.frame);
      if (queued.some((q) => q.event === "end")) {
        this.remove(sub);
        sub.end();
      } else if (TERMINAL_RUN.has(detail.run.status as RunStatus) && this.open.size === 0 && this.drain.size === 0) {
        sub.send(sseFrame("end", { status: detail.run.status }));
        this.remove(sub);
        sub.end();
      }
    } catch (e) {
      this.remove(sub);
      throw e;
    }
  }

  remove(sub: RunSubscriber): void {
    this.subs.delete(sub);
    if (this.subs.size === 0) this.close();
  }

  /** A notification for this run (or a reconnect): re-read soon, once per burst. */
  changed(): void {
    if (this.closed || !this.started) return;
    if (this.running) return void (this.dirty = true);
    if (this.timer) return;
    const wait = Math.max(0, this.lastRead + this.o.minGapMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, wait);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.poll);
    clearInterval(this.waitingPoll);
    this.onClosed();
  }

  private async start(): Promise<void> {
    const rows = await this.db.nodeRun.findMany({ where: { runId: this.runId }, select: NODE_SELECT });
    const run = await this.db.run.findUnique({ where: { id: this.runId }, select: { status: true, finishedAt: true } });
    this.byId = new Map(rows.map((n) => [n.id, n]));
    this.seen = new Map(rows.map((n) => [n.id, signature(n)]));
    this.open = new Set(rows.filter((n) => !isTerminalNode(n.status)).map((n) => n.id));
    this.cursors = await lastLogIds(this.db, [...this.open]);
    this.runState = { status: run?.status ?? "deleted", finishedAt: run?.finishedAt?.getTime() };
    if (TERMINAL_RUN.has(this.runState.status as RunStatus)) this.settledSince = Date.now();
    this.lastRead = Date.now();
    this.poll = setInterval(() => Date.now() - this.lastRead >= this.o.safetyPollMs && this.changed(), Math.min(this.o.safetyPollMs, 5_000));
    await this.checkWaiting();
    this.waitingPoll = setInterval(() => void this.checkWaiting(), this.o.waitingCheckMs);
  }

  /** One indexed query per unfinished watched run per interval; a settled run stops asking. */
  private async checkWaiting(): Promise<void> {
    if (this.closed || this.checkingWaiting || this.settledSince !== null) return;
    this.checkingWaiting = true;
    try {
      const w = await waitingForPool(this.db, this.runId, this.o.workerStaleMs);
      const key = JSON.stringify(w);
      if (key !== this.waitingKey) {
        this.waiting = w;
        this.waitingKey = key;
        this.broadcast("waiting", w);
      }
    } catch {
      // Retried at the next interval; the banner keeps its last state meanwhile.
    } finally {
      this.checkingWaiting = false;
    }
  }

  /** Serialises and encodes once, then hands the same bytes to every page. */
  private broadcast(event: string, data: unknown): void {
    if (this.subs.size === 0) return;
    const frame = sseFrame(event, data);
    for (const [sub, entry] of this.subs) {
      if (entry.ready) sub.send(frame);
      else entry.queued.push({ event, frame });
    }
  }

  private endAll(status: string): void {
    this.broadcast("end", { status });
    for (const [sub, entry] of [...this.subs]) if (entry.ready) (this.subs.delete(sub), sub.end());
    if (this.subs.size === 0) this.close();
  }

  private async refresh(): Promise<void> {
    if (this.closed) return;
    this.running = true;
    this.dirty = false;
    this.lastRead = Date.now();
    try {
      await this.readOnce();
      this.failures = 0;
    } catch {
      // The database blinking is survivable; a dead one ends the streams and EventSource reconnects.
      if (++this.failures >= 10) return this.endAll("unavailable");
      this.dirty = true;
    } finally {
      this.running = false;
    }
    if (this.dirty || this.drain.size) this.changed();
  }

  private async readOnce(): Promise<void> {
    // warnings travels with the run's final status: the page reads "succeeded with N warnings".
    // The run and its open nodes in parallel, as plain SQL: this is on the path of every change.
    const sql = sqlOf(this.db);
    const [[run], changed] = await Promise.all([
      sql.query<{ status: string; warnings: number; startedAt: Date | null; finishedAt: Date | null; error: string | null }>(
        `SELECT status, warnings, started_at AS "startedAt", finished_at AS "finishedAt", error FROM runs WHERE id = $1::uuid`, [this.runId]),
      this.open.size ? sql.query<NodeRow>(`${NODE_COLUMNS} FROM node_runs WHERE run_id = $1::uuid AND id = ANY($2::uuid[])`, [this.runId, [...this.open]]) : Promise.resolve([]),
    ]);
    if (!run) return this.endAll("deleted");
    const nodeEvents: TNodeRunView[] = [];
    // A node's test results are written with its final status: read them for nodes that just finished.
    const finished = changed.filter((n) => isTerminalNode(n.status) && this.seen.get(n.id) !== signature(n)).map((n) => n.id);
    const tests = finished.length ? await testResultsOf(this.db, this.runId, finished) : new Map();
    for (const n of changed) {
      this.byId.set(n.id, n);
      if (isTerminalNode(n.status)) this.open.delete(n.id);
      if (this.seen.get(n.id) === signature(n)) continue;
      this.seen.set(n.id, signature(n));
      nodeEvents.push(toNodeView(n, tests.get(n.id)));
      this.drain.add(n.id); // its last lines may have landed with the status change
    }
    for (const n of nodeEvents) this.broadcast("node", n);

    const reading = new Set([...this.drain, ...changed.filter((n) => n.status === "running").map((n) => n.id)]);
    const lines = await logsAfter(this.db, [...reading].map((id) => [id, this.cursors.get(id) ?? 0n]), this.o.logLinesPerNode);
    const perNode = new Map<string, number>();
    for (const l of lines) {
      this.cursors.set(l.node_run_id, l.id);
      perNode.set(l.node_run_id, (perNode.get(l.node_run_id) ?? 0) + 1);
      this.broadcast("log", { nodeId: this.byId.get(l.node_run_id)?.nodeId, attempt: l.attempt, stream: l.stream, line: l.line, id: Number(l.id), at: l.at });
    }
    // A node whose page was full has more to read; everything else is drained.
    this.drain = new Set([...perNode].filter(([, count]) => count >= this.o.logLinesPerNode).map(([id]) => id));

    if (run.status !== this.runState.status || run.finishedAt?.getTime() !== this.runState.finishedAt) {
      this.runState = { status: run.status, finishedAt: run.finishedAt?.getTime() };
      this.broadcast("run", { id: this.runId, ...run });
    }
    if (TERMINAL_RUN.has(run.status as RunStatus)) {
      this.settledSince ??= Date.now();
      if (this.waiting) {
        this.waiting = null;
        this.waitingKey = "null";
        this.broadcast("waiting", null);
      }
    }
    const settled = this.settledSince !== null && this.drain.size === 0 && (this.open.size === 0 || Date.now() - this.settledSince > this.o.settleGraceMs);
    if (settled) this.endAll(run.status);
  }
}
