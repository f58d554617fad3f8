// Read model of runs for pages, the runs API and the live event stream. Plain objects, explicit
// fields, output schemas: the run document's frozen pipeline (templates) and anything else the
// worker keeps in `compiled` never leaves except the compiled view, whose secrets are `***`.
import { AppError } from "@galley/core";
import { sqlOf, type Db } from "@galley/db";
import { z } from "zod";
import { NODE_STATUSES, RUN_STATUSES, type TRunsQuery } from "../runs-schemas";

/** One evaluation of a node's data test, as the run page and API show it. */
export const ZTestResultView = z.object({
  name: z.string(),
  kind: z.string(),
  level: z.string(),
  verdict: z.enum(["passed", "warned", "failed", "error"]),
  value: z.number().nullable(),
  lowerLimit: z.number().nullable(),
  upperLimit: z.number().nullable(),
  mean: z.number().nullable(),
  sigma: z.number().nullable(),
  rule: z.string().nullable(),
  message: z.string(),
  failingRows: z.number().nullable(),
  examples: z.array(z.record(z.string(), z.unknown())).nullable(),
  attempt: z.number(),
});
export type TTestResultView = z.infer<typeof ZTestResultView>;

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
  /** Its data tests' results (empty until the node has finished). */
  tests: z.array(ZTestResultView),
});
export type TNodeRunView = z.infer<typeof ZNodeRunView>;

export const ZRunSummary = z.object({
  id: z.string(),
  kitchen: z.string(),
  pipeline: z.string(),
  commit: z.string(),
  status: z.enum(RUN_STATUSES),
  /** warn tests that tripped: a succeeded run with warnings shows "succeeded with warnings". */
  warnings: z.number(),
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

export const NODE_SELECT = {
  id: true, nodeId: true, type: true, status: true, attempt: true, maxAttempts: true, queuedAt: true, startedAt: true,
  finishedAt: true, error: true, outputs: true, logBytes: true, logTruncated: true,
} as const;

/** A run as the summary queries return it (kitchen: its name; triggeredByName: null for a deleted user). */
type SummaryRow = { id: string; kitchen: string; pipeline: string; commit: string; status: string; warnings: number; trigger: string; triggeredById: string | null; triggeredByName: string | null; executor: string; variation: string | null; error: string | null; createdAt: Date; startedAt: Date | null; finishedAt: Date | null };

function toSummary(r: SummaryRow): TRunSummary {
  return {
    id: r.id, kitchen: r.kitchen, pipeline: r.pipeline, commit: r.commit, status: r.status as TRunSummary["status"], warnings: r.warnings, trigger: r.trigger,
    triggeredBy: r.triggeredById ? { id: r.triggeredById, name: r.triggeredByName ?? "a deleted user" } : null,
    executor: r.executor, variation: r.variation, error: r.error, createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt,
  };
}

type TestRow = {
  nodeRunId: string; node: string; testName: string; kind: string; level: string; verdict: string; value: number | null; lowerLimit: number | null;
  upperLimit: number | null; mean: number | null; sigma: number | null; rule: string | null; message: string; failingRows: number | null; examples: unknown; attempt: number;
};

/** Per node, its tests' names in the order the pipeline file lists them (from the run document). */
type TestOrder = { id: string; tests: string[] }[];

/** Test results of some nodes of a run, by node run id, in the order the pipeline file lists them. */
export async function testResultsOf(db: Db, runId: string, nodeRunIds?: string[], known?: TestOrder): Promise<Map<string, TTestResultView[]>> {
  const rows = await sqlOf(db).query<TestRow>(
    `SELECT node_run_id::text AS "nodeRunId", node, test_name AS "testName", kind, level, verdict, value, lower_limit AS "lowerLimit", upper_limit AS "upperLimit",
       mean, sigma, rule, message, failing_rows AS "failingRows", examples, attempt
     FROM test_results WHERE run_id = $1::uuid${nodeRunIds ? " AND node_run_id = ANY($2::uuid[])" : ""}`,
    nodeRunIds ? [runId, nodeRunIds] : [runId],
  );
  if (rows.length === 0) return new Map();
  // One node's results share a timestamp (one insert): the file's order comes from the run document.
  const order = known ?? (await db.$queryRaw<TestOrder>`
    SELECT n->>'id' AS id, ARRAY(SELECT t->>'name' FROM jsonb_array_elements(coalesce(n->'tests', '[]'::jsonb)) t) AS tests
    FROM runs, jsonb_array_elements(coalesce(compiled->'source'->'nodes', '[]'::jsonb)) n WHERE runs.id = ${runId}::uuid`);
  const rank = new Map(order.flatMap((o) => o.tests.map((t, i) => [`${o.id}/${t}`, i] as const)));
  rows.sort((a, b) => a.attempt - b.attempt || (rank.get(`${a.node}/${a.testName}`) ?? 1e9) - (rank.get(`${b.node}/${b.testName}`) ?? 1e9) || a.testName.localeCompare(b.testName));
  const out = new Map<string, TTestResultView[]>();
  for (const r of rows) {
    const { nodeRunId, node: _node, testName, examples, verdict, ...rest } = r;
    const list = out.get(nodeRunId) ?? [];
    list.push({ name: testName, verdict: verdict as TTestResultView["verdict"], examples: Array.isArray(examples) ? (examples as Record<string, unknown>[]) : null, ...rest });
    out.set(nodeRunId, list);
  }
  return out;
}

export function toNodeView(n: { nodeId: string; type: string; status: string; attempt: number; maxAttempts: number; queuedAt: Date | null; startedAt: Date | null; finishedAt: Date | null; error: string | null; outputs: unknown; logBytes: number; logTruncated: boolean }, tests: TTestResultView[] = []): TNodeRunView {
  return {
    nodeId: n.nodeId, type: n.type, status: n.status as TNodeRunView["status"], attempt: n.attempt, maxAttempts: n.maxAttempts,
    queuedAt: n.queuedAt, startedAt: n.startedAt, finishedAt: n.finishedAt, error: n.error,
    outputs: (n.outputs && typeof n.outputs === "object" && !Array.isArray(n.outputs) ? n.outputs : {}) as Record<string, unknown>,
    logBytes: n.logBytes, logTruncated: n.logTruncated, tests,
  };
}

/**
 * A page of a Kitchen's runs, newest first, with how many nodes are in each status. Keyset
 * pagination on (created_at, id) over the index runs(kitchen_id, created_at, id): a deep page
 * costs what the first does. The cursor is the last run's id; the comparison reads its
 * created_at in SQL (microseconds: a JavaScript Date would round it and skip runs).
 * nextCursor is null on the last page.
 */
export async function listRuns(db: Db, kitchenId: string, q: TRunsQuery): Promise<{ runs: TRunListItem[]; nextCursor: string | null }> {
  // Only the filters given, so each shape gets a plan that uses the index. Values are parameters.
  // One statement for the page, its Kitchen's and triggerers' names and its node counts: each
  // round trip through the client cost about as much CPU as the whole answer's serialisation.
  const params: unknown[] = [kitchenId];
  const where = ["kitchen_id = $1::uuid"];
  if (q.pipeline) where.push(`pipeline = $${params.push(q.pipeline)}`);
  if (q.status) where.push(`status = $${params.push(q.status)}`);
  if (q.before) where.push(`(created_at, id) < (SELECT c.created_at, c.id FROM runs c WHERE c.id = $${params.push(q.before)}::uuid AND c.kitchen_id = $1::uuid)`);
  const rows = await sqlOf(db).query<SummaryRow & { nodeCounts: Record<string, number> | null }>(
    `SELECT r.id::text AS id, r.pipeline, r.commit, r.status, r.warnings, r.trigger, r.triggered_by::text AS "triggeredById", u.name AS "triggeredByName",
       r.executor, r.variation, r.error, r.created_at AS "createdAt", r.started_at AS "startedAt", r.finished_at AS "finishedAt", k.name AS kitchen,
       (SELECT json_object_agg(c.status, c.n) FROM (SELECT status, count(*)::int AS n FROM node_runs WHERE run_id = r.id GROUP BY status) c) AS "nodeCounts"
     FROM (SELECT id, kitchen_id, pipeline, commit, status, warnings, trigger, triggered_by, executor, variation, error, created_at, started_at, finished_at
           FROM runs WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT $${params.push(q.limit + 1)}::int) r
     JOIN kitchens k ON k.id = r.kitchen_id
     LEFT JOIN users u ON u.id = r.triggered_by
     ORDER BY r.created_at DESC, r.id DESC`,
    params,
  );
  const page = rows.slice(0, q.limit);
  return {
    runs: page.map((r) => ({ ...toSummary(r), nodeCounts: r.nodeCounts ?? {} })),
    nextCursor: rows.length > q.limit ? page[page.length - 1].id : null,
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
export async function lastRunByPipeline(db: Db, kitchenId: string): Promise<Map<string, { id: string; status: string; warnings: number; createdAt: Date }>> {
  const pipelines = await pipelinesWithRuns(db, kitchenId);
  if (!pipelines.length) return new Map();
  const rows = await db.$queryRaw<{ pipeline: string; id: string; status: string; warnings: number; created_at: Date }[]>`
    SELECT p.pipeline, l.id::text AS id, l.status, l.warnings, l.created_at
    FROM unnest(${pipelines}::text[]) AS p(pipeline)
    CROSS JOIN LATERAL (
      SELECT id, status, warnings, created_at FROM runs
      WHERE kitchen_id = ${kitchenId}::uuid AND pipeline = p.pipeline ORDER BY created_at DESC LIMIT 1
    ) l`;
  return new Map(rows.map((r) => [r.pipeline, { id: r.id, status: r.status, warnings: r.warnings, createdAt: r.created_at }]));
}

/** Node statuses of a run, by node id (to colour a pipeline's graph with its last run). */
export async function nodeStatusesOf(db: Db, runId: string): Promise<Record<string, string>> {
  const rows = await db.nodeRun.findMany({ where: { runId }, select: { nodeId: true, status: true } });
  return Object.fromEntries(rows.map((r) => [r.nodeId, r.status]));
}

/**
 * What the run page needs of the run row, with its Kitchen's and environment's names and its
 * triggerer's name, in one statement. Only the parts of the run document it shows leave the
 * database (not the frozen SQL texts and files, which can be large).
 */
export interface RunHead extends SummaryRow {
  kitchenId: string;
  kitchenEnvironment: string;
  parameters: unknown;
  selection: unknown;
  resumedFromId: string | null;
  deps: Record<string, string[]> | null;
  compiled: unknown;
  sourceNodes: TestOrder | null;
}

export async function findRunHead(db: Db, runId: string): Promise<RunHead | null> {
  const rows = await sqlOf(db).query<RunHead>(`
    SELECT r.id::text AS id, r.kitchen_id::text AS "kitchenId", k.name AS kitchen, e.name AS "kitchenEnvironment", r.pipeline, r.commit, r.status,
      r.warnings, r.trigger, r.triggered_by::text AS "triggeredById", u.name AS "triggeredByName", r.executor, r.variation, r.error,
      r.created_at AS "createdAt", r.started_at AS "startedAt", r.finished_at AS "finishedAt", r.parameters, r.selection,
      r.resumed_from::text AS "resumedFromId", r.compiled->'deps' AS deps, r.compiled->'compiled' AS compiled,
      (SELECT json_agg(json_build_object('id', n->>'id', 'tests', ARRAY(SELECT t->>'name' FROM jsonb_array_elements(coalesce(n->'tests', '[]'::jsonb)) t)))
         FROM jsonb_array_elements(coalesce(r.compiled->'source'->'nodes', '[]'::jsonb)) n) AS "sourceNodes"
    FROM runs r
    JOIN kitchens k ON k.id = r.kitchen_id
    JOIN environments e ON e.id = k.environment_id
    LEFT JOIN users u ON u.id = r.triggered_by
    WHERE r.id = $1::uuid`, [runId]);
  return rows[0] ?? null;
}

type NodeRow = Parameters<typeof toNodeView>[0] & { id: string };

/** NODE_SELECT as SQL (followed by FROM node_runs ...). */
export const NODE_COLUMNS = `SELECT id::text AS id, node_id AS "nodeId", type, status, attempt, max_attempts AS "maxAttempts", queued_at AS "queuedAt",
  started_at AS "startedAt", finished_at AS "finishedAt", error, outputs, log_bytes AS "logBytes", log_truncated AS "logTruncated"`;

/** Every node of a run, as NODE_SELECT reads them. */
async function nodesOf(db: Db, runId: string): Promise<NodeRow[]> {
  return sqlOf(db).query<NodeRow>(`${NODE_COLUMNS} FROM node_runs WHERE run_id = $1::uuid`, [runId]);
}

/** The run page's content; `head` when the caller read it already (to check access). */
export async function getRunDetail(db: Db, runId: string, known?: RunHead): Promise<TRunDetail> {
  const r = known ?? (await findRunHead(db, runId));
  if (!r) throw new AppError("not_found", `run ${runId} does not exist`);
  const sourceNodes = r.sourceNodes ?? [];
  const [nodes, tests] = await Promise.all([nodesOf(db, runId), testResultsOf(db, runId, undefined, sourceNodes)]);
  const allDeps = r.deps ?? {};
  const order = topologicalOrder(allDeps, sourceNodes.map((n) => n.id));
  // jsonb keeps keys in its own order: rebuild the map in run order, so the graph draws stably.
  const deps = Object.fromEntries(order.map((id) => [id, allDeps[id]]));
  const rank = new Map(order.map((id, i) => [id, i]));
  nodes.sort((a, b) => (rank.get(a.nodeId) ?? 1e9) - (rank.get(b.nodeId) ?? 1e9) || a.nodeId.localeCompare(b.nodeId));
  return ZRunDetail.parse({
    run: {
      ...toSummary(r),
      kitchenEnvironment: r.kitchenEnvironment,
      parameters: (r.parameters ?? {}) as Record<string, unknown>,
      selection: r.selection,
      resumedFromId: r.resumedFromId,
      deps,
      compiled: r.compiled ?? null,
    },
    nodes: nodes.map((n) => toNodeView(n, tests.get(n.id))),
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
