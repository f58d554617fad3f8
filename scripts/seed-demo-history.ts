// Six weeks of run history for the demo pipelines, with their test results, so the managers'
// dashboard tells a story on first start: production's orders_daily is green but its order
// count has drifted down for the last three days (a control rule catches it: warned), dev broke
// for a day ten days ago and recovered, smoke_test fails on purpose and never refreshes its data.
// Deterministic (seeded PRNG), bulk-inserted (createMany: one INSERT per table and batch), and
// idempotent: a Kitchen/pipeline that already has demo history is left alone.
import { randomUUID } from "node:crypto";
import type { Db, Prisma } from "@galley/db";
import { CONTROL_DEFAULTS, judgeControl } from "@galley/pipelines";

const HOUR = 3600_000;
const KEY_PREFIX = "demo-history";

/** mulberry32: the same history on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

/** The worker's own control check (default settings: k 3, window 30, minimum history 10). */
function judge(history: readonly number[], value: number) {
  const j = judgeControl(history, value, CONTROL_DEFAULTS);
  return j.learning ? null : { ...j.limits, rule: j.rule };
}

interface Plan {
  kitchen: string;
  pipeline: "orders_daily" | "smoke_test";
  everyHours: number;
  days: number;
  trigger: "schedule" | "manual";
  triggeredBy?: string;
  seed: number;
  /** Orders per run before noise; `drift` shifts the newest runs. */
  baseRows: number;
  drift?: { lastRuns: number; by: number };
  /** Indices (oldest 0) of runs that fail, and at which node. */
  failures?: Record<number, { node: string; error: string }>;
  /** Indices where `known_regions` finds unknown regions. */
  badRegions?: number[];
}

export const DEMO_HISTORY: Plan[] = [
  { kitchen: "production", pipeline: "orders_daily", everyHours: 6, days: 42, trigger: "schedule", seed: 1, baseRows: 1200, drift: { lastRuns: 12, by: -80 },
    failures: { 80: { node: "load_orders", error: "node timed out after 5m" }, 81: { node: "load_orders", error: "node timed out after 5m" } } },
  { kitchen: "dev", pipeline: "orders_daily", everyHours: 12, days: 42, trigger: "schedule", seed: 2, baseRows: 600,
    failures: { 62: { node: "transform", error: 'column "regoin" does not exist' }, 63: { node: "transform", error: 'column "regoin" does not exist' }, 64: { node: "transform", error: 'column "regoin" does not exist' } },
    badRegions: [30, 31, 70] },
  { kitchen: "dev", pipeline: "smoke_test", everyHours: 24, days: 42, trigger: "schedule", seed: 3, baseRows: 0,
    failures: Object.fromEntries(Array.from({ length: 42 }, (_, i) => [i, { node: "check", error: "exited with code 1" }])) },
  { kitchen: "padma_feature", pipeline: "orders_daily", everyHours: 14, days: 5, trigger: "manual", triggeredBy: "padma@galley.local", seed: 4, baseRows: 300,
    failures: { 2: { node: "summary", error: "exited with code 1" } } },
];

const NODES = {
  orders_daily: { load_orders: [], transform: ["load_orders"], summary: ["transform"], record_summary: ["summary"] } as Record<string, string[]>,
  smoke_test: { count_regions: [], check: ["count_regions"] } as Record<string, string[]>,
};
const NODE_TYPE: Record<string, string> = { load_orders: "container", transform: "sql", summary: "container", record_summary: "sql", count_regions: "sql", check: "container" };
/** Typical seconds per node. */
const NODE_SECONDS: Record<string, number> = { load_orders: 24, transform: 6, summary: 9, record_summary: 2, count_regions: 2, check: 4 };

interface Rows {
  runs: Prisma.RunCreateManyInput[];
  nodes: Prisma.NodeRunCreateManyInput[];
  tests: Prisma.TestResultCreateManyInput[];
}

type TestRow = Rows["tests"][number];

function testsOf(p: Plan, base: Omit<TestRow, "node" | "nodeRunId" | "testName" | "kind" | "level" | "verdict">, nodeRunId: Record<string, string>, rows: number, i: number, r: () => number, history: number[]): TestRow[] {
  const t = (node: string, testName: string, kind: string, level: string, extra: Partial<TestRow>): TestRow => ({ ...base, node, nodeRunId: nodeRunId[node], testName, kind, level, verdict: "passed", ...extra });
  const unknown = p.badRegions?.includes(i) ? 2 : 0;
  const control = judge(history, rows);
  const revenue = Math.round(rows * (84 + r() * 4) * 100) / 100;
  return [
    t("transform", "has_rows", "row_count", "fail", { value: rows, lowerLimit: 0, message: `${rows} > 0` }),
    t("transform", "id_unique", "unique", "fail", { value: 0, failingRows: 0, message: "0 duplicate ids" }),
    t("transform", "amount_present", "not_null", "fail", { value: 0, failingRows: 0, message: "0 rows with a null amount" }),
    t("transform", "min_amount_respected", "min", "fail", { value: Math.round((2 + r() * 8) * 100) / 100, lowerLimit: 0, message: "min(amount) >= 0" }),
    t("transform", "known_regions", "accepted_values", "warn", unknown
      ? { value: unknown, failingRows: unknown, verdict: "warned", rule: "accepted_values", message: `${unknown} rows with a region outside north, south, east, west`, examples: [{ id: 9001, region: "Nort" }, { id: 9002, region: "" }] }
      : { value: 0, failingRows: 0, message: "every region is accepted" }),
    t("transform", "rows_in_control", "row_count", "warn", control
      ? { value: rows, mean: control.mean, sigma: control.sigma, lowerLimit: control.lower, upperLimit: control.upper, rule: control.rule, verdict: control.rule ? "warned" : "passed",
          message: control.rule ? `${rows} out of control: ${control.rule}` : `${rows} in control` }
      : { value: rows, message: `${rows}: learning limits (${history.length} of 10 earlier successful runs)` }),
    t("summary", "revenue_positive", "output", "warn", { value: revenue, lowerLimit: 0, message: `${revenue} > 0` }),
    t("summary", "all_orders_counted", "sql", "fail", { value: rows, lowerLimit: rows, upperLimit: rows, message: `${rows} == ${rows}` }),
  ];
}

function build(p: Plan, kitchenId: string, userId: string | null, commit: string, now: number, into: Rows): void {
  const r = prng(p.seed);
  const count = Math.floor((p.days * 24) / p.everyHours);
  const deps = NODES[p.pipeline];
  const order = Object.keys(deps);
  const history: number[] = [];
  for (let i = 0; i < count; i++) {
    const runId = randomUUID();
    const createdAt = new Date(now - (count - i) * p.everyHours * HOUR + Math.round(r() * 5 * 60_000));
    const drifting = p.drift && i >= count - p.drift.lastRuns;
    const rows = Math.max(1, Math.round(p.baseRows + i * 0.4 + gauss(r) * 15 + (drifting ? p.drift!.by : 0)));
    const failure = p.failures?.[i];
    let clock = createdAt.getTime() + 1500;
    const nodeRunId: Record<string, string> = {};
    let broken = false;
    for (const node of order) {
      const id = randomUUID();
      nodeRunId[node] = id;
      const isFailing = failure?.node === node;
      const status = broken ? "skipped" : isFailing ? (failure.error.includes("timed out") ? "timed_out" : "failed") : "succeeded";
      const seconds = status === "skipped" ? 0 : NODE_SECONDS[node] * (0.8 + r() * 0.4) * (drifting ? 1.15 : 1) * (isFailing && status === "timed_out" ? 12 : 1);
      const startedAt = status === "skipped" ? null : new Date(clock);
      clock += seconds * 1000;
      into.nodes.push({
        id, runId, nodeId: node, type: NODE_TYPE[node], status, remainingDeps: 0, attempt: status === "skipped" ? 0 : 1, maxAttempts: 1,
        outputs: node === "summary" && status === "succeeded" ? { orders: rows, revenue: Math.round(rows * 86 * 100) / 100, top_region: "north" } : {},
        error: isFailing ? failure.error : status === "skipped" ? "an upstream node failed" : null,
        queuedAt: status === "skipped" ? null : new Date(clock - seconds * 1000 - 200), startedAt, finishedAt: new Date(clock),
      });
      if (isFailing) broken = true;
    }
    const status = failure ? "failed" : "succeeded";
    const base = { runId, kitchenId, pipeline: p.pipeline, createdAt: new Date(clock) };
    let warnings = 0;
    if (p.pipeline === "orders_daily" && !(failure && order.indexOf(failure.node) <= order.indexOf("transform"))) {
      const tests = testsOf(p, base, nodeRunId, rows, i, r, history).filter((t) => !(failure && t.node === "summary" && failure.node === "summary"));
      warnings = tests.filter((t) => t.verdict === "warned").length;
      into.tests.push(...tests);
      // Control limits learn from successful runs only.
      if (!failure) history.push(rows);
    }
    into.runs.push({
      id: runId, kitchenId, pipeline: p.pipeline, commit, status, trigger: p.trigger, triggeredById: userId, warnings,
      idempotencyKey: `${KEY_PREFIX}:${p.kitchen}:${p.pipeline}:${i}`, executor: "docker",
      error: failure ? `node ${failure.node} ${failure.error}` : null,
      compiled: { deps, source: { nodes: order.map((id) => ({ id })) } },
      createdAt, startedAt: new Date(createdAt.getTime() + 1500), finishedAt: new Date(clock),
    });
  }
}

async function insertInBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>, size = 1000): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/**
 * Adds the demo history to the named Kitchens (all of DEMO_HISTORY's by default). Returns what
 * it inserted; Kitchens missing from the database and pipelines already seeded are skipped.
 */
export async function seedDemoHistory(db: Db, opts: { kitchens?: string[]; now?: Date; commits?: Record<string, string> } = {}): Promise<{ runs: number; testResults: number; skipped: string[] }> {
  const now = (opts.now ?? new Date()).getTime();
  const into: Rows = { runs: [], nodes: [], tests: [] };
  const skipped: string[] = [];
  const users = new Map((await db.user.findMany({ select: { id: true, email: true } })).map((u) => [u.email, u.id]));
  for (const p of DEMO_HISTORY) {
    if (opts.kitchens && !opts.kitchens.includes(p.kitchen)) continue;
    const k = await db.kitchen.findFirst({ where: { name: p.kitchen, deletedAt: null }, select: { id: true } });
    const seeded = k && (await db.run.count({ where: { kitchenId: k.id, pipeline: p.pipeline, idempotencyKey: { startsWith: `${KEY_PREFIX}:` } } }));
    if (!k || seeded) {
      skipped.push(`${p.kitchen}/${p.pipeline}`);
      continue;
    }
    build(p, k.id, p.triggeredBy ? users.get(p.triggeredBy) ?? null : null, opts.commits?.[p.kitchen] ?? "0".repeat(40), now, into);
  }
  await db.$transaction(async (tx) => {
    await insertInBatches(into.runs, (data) => tx.run.createMany({ data }));
    await insertInBatches(into.nodes, (data) => tx.nodeRun.createMany({ data }));
    await insertInBatches(into.tests, (data) => tx.testResult.createMany({ data }));
  }, { timeout: 60_000 });
  return { runs: into.runs.length, testResults: into.tests.length, skipped };
}
