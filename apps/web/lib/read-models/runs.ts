// Read model of runs for pages, the runs API and the live event stream. Plain objects, explicit
// fields, output schemas: the run document's frozen pipeline (templates) and anything else the
// worker keeps in `compiled` never leaves except the compiled view, whose secrets are `***`.
import { AppError } from "@galley/core";
import type { Db } from "@galley/db";
import type { RunDocument } from "@galley/runs";
import { z } from "zod";
import { NODE_STATUSES, RUN_STATUSES, type TRunsQuery } from "../runs-schemas";

export const ZNodeRunView = z.object({
  nodeId: z.string(),
  type: z.string(),
  status: z.enum(NODE_STATUSES),
  attempt: z.number(),
  maxAttempts: z.number(),
  queuedAt: z.date().nullable(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  error: z.string().nullable(),
  outputs: z.record(z.string(), z.unknown()),
  logBytes: z.number(),
  logTruncated: z.boolean(),
});
export type TNodeRunView = z.infer<typeof ZNodeRunView>;

export const ZRunSummary = z.object({
  id: z.string(),
  kitchen: z.string(),
  pipeline: z.string(),
  commit: z.string(),
  status: z.enum(RUN_STATUSES),
  trigger: z.string(),
  triggeredBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  executor: z.string(),
  variation: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
export type TRunSummary = z.infer<typeof ZRunSummary>;

export const ZRunListItem = ZRunSummary.extend({ nodeCounts: z.record(z.string(), z.number()) });
export type TRunListItem = z.infer<typeof ZRunListItem>;

export const ZRunView = ZRunSummary.extend({
  kitchenEnvironment: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  selection: z.unknown(),
  resumedFromId: z.string().nullable(),
  /** Upstream nodes of each node in this run, for drawing it. */
  deps: z.record(z.string(), z.array(z.string())),
  /** The compiled pipeline: every variable resolved, secrets `***`. */
  compiled: z.unknown(),
});
export type TRunView = z.infer<typeof ZRunView>;

export const ZRunDetail = z.object({ run: ZRunView, nodes: z.array(ZNodeRunView) });
export type TRunDetail = z.infer<typeof ZRunDetail>;

const SUMMARY_SELECT = {
  id: true, pipeline: true, commit: true, status: true, trigger: true, triggeredById: true, executor: true,
  variation: true, error: true, createdAt: true, startedAt: true, finishedAt: true, kitchen: { select: { name: true } },
} as const;

export const NODE_SELECT = {
  id: true, nodeId: true, type: true, status: true, attempt: true, maxAttempts: true, queuedAt: true, startedAt: true,
  finishedAt: true, error: true, outputs: true, logBytes: true, logTruncated: true,
} as const;

type SummaryRow = { id: string; pipeline: string; commit: string; status: string; trigger: string; triggeredById: string | null; executor: string; variation: string | null; error: string | null; createdAt: Date; startedAt: Date | null; finishedAt: Date | null; kitchen: { name: string } };

async function userNames(db: Db, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => i !== null))];
  if (!wanted.length) return new Map();
  const users = await db.user.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } });
  return new Map(users.map((u) => [u.id, u.name]));
}

function toSummary(r: SummaryRow, names: Map<string, string>): TRunSummary {
  return {
    id: r.id, kitchen: r.kitchen.name, pipeline: r.pipeline, commit: r.commit, status: r.status as TRunSummary["status"], trigger: r.trigger,
    triggeredBy: r.triggeredById ? { id: r.triggeredById, name: names.get(r.triggeredById) ?? "a deleted user" } : null,
    executor: r.executor, variation: r.variation, error: r.error, createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt,
  };
}

export function toNodeView(n: { nodeId: string; type: string; status: string; attempt: number; maxAttempts: number; queuedAt: Date | null; startedAt: Date | null; finishedAt: Date | null; error: string | null; outputs: unknown; logBytes: number; logTruncated: boolean }): TNodeRunView {
  return {
    nodeId: n.nodeId, type: n.type, status: n.status as TNodeRunView["status"], attempt: n.attempt, maxAttempts: n.maxAttempts,
    queuedAt: n.queuedAt, startedAt: n.startedAt, finishedAt: n.finishedAt, error: n.error,
    outputs: (n.outputs && typeof n.outputs === "object" && !Array.isArray(n.outputs) ? n.outputs : {}) as Record<string, unknown>,
    logBytes: n.logBytes, logTruncated: n.logTruncated,
  };
}

export function runsCursor(r: { createdAt: Date; id: string }): string {
  return `${r.createdAt.getTime()}.${r.id}`;
}

function parseRunsCursor(c: string): { createdAt: Date; id: string } {
  const at = c.indexOf(".");
  return { createdAt: new Date(Number(c.slice(0, at))), id: c.slice(at + 1) };
}

/**
 * A page of a Kitchen's runs, newest first, with how many nodes are in each status. Keyset
 * pagination on (created_at, id) over the index runs(kitchen_id, created_at, id): a deep page
 * costs what the first does. nextCursor is null on the last page.
 */
export async function listRuns(db: Db, kitchenId: string, q: TRunsQuery): Promise<{ runs: TRunListItem[]; nextCursor: string | null }> {
  const c = q.before ? parseRunsCursor(q.before) : null;
  const rows = await db.run.findMany({
    where: {
      kitchenId,
      ...(q.pipeline ? { pipeline: q.pipeline } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(c ? { OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] } : {}),
    },
    select: SUMMARY_SELECT,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const names = await userNames(db, page.map((r) => r.triggeredById));
  const counts = page.length
    ? await db.nodeRun.groupBy({ by: ["runId", "status"], where: { runId: { in: page.map((r) => r.id) } }, _count: { _all: true } })
    : [];
  const byRun = new Map<string, Record<string, number>>();
  for (const n of counts) byRun.set(n.runId, { ...byRun.get(n.runId), [n.status]: n._count._all });
  return {
    runs: page.map((r) => ({ ...toSummary(r, names), nodeCounts: byRun.get(r.id) ?? {} })),
    nextCursor: rows.length > q.limit ? runsCursor(page[page.length - 1]) : null,
  };
}

/** Most pipelines a Kitchen's runs list or pipelines page considers. */
const MAX_PIPELINES = 500;

/**
 * Names of the pipelines a Kitchen has runs of, by a loose index scan over
 * runs(kitchen_id, pipeline, created_at): one index probe per pipeline, however many runs.
 */
export async function pipelinesWithRuns(db: Db, kitchenId: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ pipeline: string }[]>`
    WITH RECURSIVE p AS (
      (SELECT pipeline FROM runs WHERE kitchen_id = ${kitchenId}::uuid ORDER BY pipeline LIMIT 1)
      UNION ALL
      SELECT (SELECT r.pipeline FROM runs r WHERE r.kitchen_id = ${kitchenId}::uuid AND r.pipeline > p.pipeline ORDER BY r.pipeline LIMIT 1)
      FROM p WHERE p.pipeline IS NOT NULL
    )
    SELECT pipeline FROM p WHERE pipeline IS NOT NULL LIMIT ${MAX_PIPELINES}::int`;
  return rows.map((r) => r.pipeline);
}

/** The last run of each pipeline of a Kitchen: per pipeline, one backward index probe. */
export async function lastRunByPipeline(db: Db, kitchenId: string): Promise<Map<string, { id: string; status: string; createdAt: Date }>> {
  const pipelines = await pipelinesWithRuns(db, kitchenId);
  if (!pipelines.length) return new Map();
  const rows = await db.$queryRaw<{ pipeline: string; id: string; status: string; created_at: Date }[]>`
    SELECT p.pipeline, l.id::text AS id, l.status, l.created_at
    FROM unnest(${pipelines}::text[]) AS p(pipeline)
    CROSS JOIN LATERAL (
      SELECT id, status, created_at FROM runs
      WHERE kitchen_id = ${kitchenId}::uuid AND pipeline = p.pipeline ORDER BY created_at DESC LIMIT 1
    ) l`;
  return new Map(rows.map((r) => [r.pipeline, { id: r.id, status: r.status, createdAt: r.created_at }]));
}

/** Node statuses of a run, by node id (to colour a pipeline's graph with its last run). */
export async function nodeStatusesOf(db: Db, runId: string): Promise<Record<string, string>> {
  const rows = await db.nodeRun.findMany({ where: { runId }, select: { nodeId: true, status: true } });
  return Object.fromEntries(rows.map((r) => [r.nodeId, r.status]));
}

export async function getRunDetail(db: Db, runId: string): Promise<TRunDetail> {
  const r = await db.run.findUnique({
    where: { id: runId },
    select: { ...SUMMARY_SELECT, parameters: true, selection: true, compiled: true, resumedFromId: true, kitchen: { select: { name: true, environment: { select: { name: true } } } } },
  });
  if (!r) throw new AppError("not_found", `run ${runId} does not exist`);
  const nodes = await db.nodeRun.findMany({ where: { runId }, select: NODE_SELECT });
  const doc = (r.compiled ?? {}) as Partial<RunDocument>;
  const fileOrder = (doc.source?.nodes ?? []).map((n) => n.id);
  const order = topologicalOrder(doc.deps ?? {}, fileOrder);
  // jsonb keeps keys in its own order: rebuild the map in run order, so the graph draws stably.
  const deps = Object.fromEntries(order.map((id) => [id, doc.deps![id]]));
  const rank = new Map(order.map((id, i) => [id, i]));
  nodes.sort((a, b) => (rank.get(a.nodeId) ?? 1e9) - (rank.get(b.nodeId) ?? 1e9) || a.nodeId.localeCompare(b.nodeId));
  const names = await userNames(db, [r.triggeredById]);
  return ZRunDetail.parse({
    run: {
      ...toSummary(r, names),
      kitchenEnvironment: r.kitchen.environment.name,
      parameters: (r.parameters ?? {}) as Record<string, unknown>,
      selection: r.selection,
      resumedFromId: r.resumedFromId,
      deps,
      compiled: doc.compiled ?? null,
    },
    nodes: nodes.map(toNodeView),
  });
}

/** Kahn's algorithm, ties broken by the order nodes have in the pipeline file. */
export function topologicalOrder(deps: Record<string, string[]>, fileOrder: string[]): string[] {
  const pos = new Map(fileOrder.map((id, i) => [id, i]));
  const ids = Object.keys(deps).sort((a, b) => (pos.get(a) ?? 1e9) - (pos.get(b) ?? 1e9) || a.localeCompare(b));
  const rank = new Map(ids.map((id, i) => [id, i]));
  const children = new Map<string, string[]>();
  const remaining = new Map<string, number>();
  for (const id of ids) {
    const ups = deps[id].filter((d) => rank.has(d));
    remaining.set(id, ups.length);
    for (const u of ups) children.set(u, [...(children.get(u) ?? []), id]);
  }
  const out: string[] = [];
  let ready = ids.filter((id) => remaining.get(id) === 0);
  while (ready.length) {
    const id = ready.shift()!;
    out.push(id);
    for (const c of children.get(id) ?? []) {
      remaining.set(c, remaining.get(c)! - 1);
      if (remaining.get(c) === 0) ready = insertByRank(ready, c, rank);
    }
  }
  const placed = new Set(out);
  return out.length === ids.length ? out : [...out, ...ids.filter((id) => !placed.has(id))];
}

function insertByRank(list: string[], id: string, rank: Map<string, number>): string[] {
  const r = rank.get(id)!;
  const at = list.findIndex((x) => rank.get(x)! > r);
  return at < 0 ? [...list, id] : [...list.slice(0, at), id, ...list.slice(at)];
}

export const ZLogLine = z.object({ id: z.number(), attempt: z.number(), stream: z.string(), line: z.string(), at: z.date() });
export type TLogLine = z.infer<typeof ZLogLine>;

/** A node's log lines after `after` (a log line id), oldest first. */
export async function readNodeLogs(db: Db, runId: string, nodeId: string, after: number, limit: number): Promise<{ lines: TLogLine[]; truncated: boolean; hasMore: boolean }> {
  const node = await db.nodeRun.findUnique({ where: { runId_nodeId: { runId, nodeId } }, select: { id: true, logTruncated: true } });
  if (!node) throw new AppError("not_found", `node ${nodeId} is not part of this run`, { field: "node" });
  const rows = await db.nodeLog.findMany({
    where: { nodeRunId: node.id, id: { gt: BigInt(after) } },
    orderBy: { id: "asc" },
    take: limit + 1,
    select: { id: true, attempt: true, stream: true, line: true, at: true },
  });
  const hasMore = rows.length > limit;
  return { lines: rows.slice(0, limit).map((l) => ({ ...l, id: Number(l.id) })), truncated: node.logTruncated, hasMore };
}
