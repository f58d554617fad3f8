// Inputs and outputs of the dashboard and control-chart read models, shared by the API routes,
// the pages and the browser (only zod here: client components import this file).
import { z } from "zod";

const NAME_RE = /^[a-z][a-z0-9_]{0,62}$/;
const ZName = (what: string) => z.string().regex(NAME_RE, `${what}: lower-case letters, digits and _`);
/** Test names are written by people in YAML; kept printable and short. */
const ZTestName = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/, "a test name: letters, digits, _, . and -");

export const RUN_OUTCOMES = ["succeeded", "failed", "cancelled"] as const;
export const VERDICTS = ["passed", "warned", "failed", "error"] as const;
export type Verdict = (typeof VERDICTS)[number];

export const ZDashboardQuery = z
  .object({
    environment: ZName("an environment name").optional(),
    kitchen: ZName("a Kitchen name").optional(),
    pipeline: ZName("a pipeline name").optional(),
    /** Width of the daily series; success rates are always over 7 and 30 days. */
    days: z.coerce.number().int().min(7).max(90).default(30),
    /** How many tests to list (the ones not passing first); the totals count all of them. */
    tests: z.coerce.number().int().min(0).max(100).default(20),
    /** A page of the pipelines (the ones needing attention first); the totals count all of them. */
    limit: z.coerce.number().int().min(1).max(500).default(25),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type TDashboardQuery = z.infer<typeof ZDashboardQuery>;

export const ZTestCounts = z.object({ passed: z.number(), warned: z.number(), failed: z.number(), error: z.number() });
export type TTestCounts = z.infer<typeof ZTestCounts>;

export const ZDayPoint = z.object({
  /** UTC day, YYYY-MM-DD. */
  day: z.string(),
  succeeded: z.number(),
  /** Succeeded runs where `warn` tests tripped (also in succeeded). */
  warned: z.number(),
  failed: z.number(),
  cancelled: z.number(),
  /** Mean duration of the day's finished runs; null on a day without any. */
  avgDurationMs: z.number().nullable(),
  tests: ZTestCounts,
});
export type TDayPoint = z.infer<typeof ZDayPoint>;

export const ZPipelineRow = z.object({
  kitchen: z.string(),
  environment: z.string(),
  environmentKind: z.enum(["development", "production"]),
  pipeline: z.string(),
  lastRun: z.object({
    id: z.string(),
    status: z.string(),
    warnings: z.number(),
    createdAt: z.date(),
    finishedAt: z.date().nullable(),
    durationMs: z.number().nullable(),
  }),
  /** When the pipeline last finished successfully: how fresh its data is. */
  lastSuccessAt: z.date().nullable(),
  freshnessMs: z.number().nullable(),
  /** succeeded / (succeeded + failed); null without finished runs in the window. */
  successRate7d: z.number().nullable(),
  successRate30d: z.number().nullable(),
  runs7d: z.number(),
  runs30d: z.number(),
  /** Mean duration per day over the series window, oldest first (null: no finished run that day). */
  durationTrend: z.array(z.number().nullable()),
  tests7d: ZTestCounts,
});
export type TPipelineRow = z.infer<typeof ZPipelineRow>;

export const ZTestRow = z.object({
  kitchen: z.string(),
  pipeline: z.string(),
  node: z.string(),
  test: z.string(),
  kind: z.string(),
  level: z.string(),
  verdict: z.enum(VERDICTS),
  value: z.number().nullable(),
  rule: z.string().nullable(),
  at: z.date(),
  runId: z.string(),
});
export type TTestRow = z.infer<typeof ZTestRow>;

export const ZDashboard = z.object({
  generatedAt: z.date(),
  days: z.number(),
  filters: z.object({
    environments: z.array(z.string()),
    kitchens: z.array(z.object({ name: z.string(), environment: z.string() })),
    pipelines: z.array(z.string()),
  }),
  totals: z.object({
    pipelines: z.number(),
    runs7d: z.number(),
    successRate7d: z.number().nullable(),
    successRate30d: z.number().nullable(),
    tests7d: ZTestCounts,
    /** Pipelines whose last run failed. */
    failing: z.number(),
    /** Tests whose newest result is not `passed`. */
    testsNotPassing: z.number(),
  }),
  daily: z.array(ZDayPoint),
  /** The query's page of pipelines: last run failed first, then with warnings, then production first, by Kitchen and name. */
  pipelines: z.array(ZPipelineRow),
  pipelinesPage: z.object({ offset: z.number(), limit: z.number(), total: z.number() }),
  /** Tests, the ones not passing first (newest first), at most the query's `tests` (20 by default). */
  tests: z.array(ZTestRow),
});
export type TDashboard = z.infer<typeof ZDashboard>;

export const ZControlChartParams = z.object({
  k: ZName("a Kitchen name"),
  p: ZName("a pipeline name"),
  node: ZName("a node id"),
  test: ZTestName,
});
export type TControlChartParams = z.infer<typeof ZControlChartParams>;

export const ZControlChartQuery = z.object({ limit: z.coerce.number().int().min(10).max(5000).default(1000) }).strict();

export const ZChartPoint = z.object({
  id: z.string(),
  runId: z.string(),
  at: z.date(),
  value: z.number().nullable(),
  mean: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  verdict: z.enum(VERDICTS),
  /** The check or control rule the point broke; null when it broke none. */
  rule: z.string().nullable(),
  broke: z.boolean(),
  message: z.string(),
});
export type TChartPoint = z.infer<typeof ZChartPoint>;

export const ZControlChart = z.object({
  kitchen: z.string(),
  pipeline: z.string(),
  node: z.string(),
  test: z.string(),
  kind: z.string().nullable(),
  level: z.string().nullable(),
  /** Oldest first. */
  points: z.array(ZChartPoint),
  summary: z.object({
    points: z.number(),
    broke: z.number(),
    /** Rule → how many points broke it. */
    rules: z.record(z.string(), z.number()),
    latest: ZChartPoint.nullable(),
  }),
});
export type TControlChart = z.infer<typeof ZControlChart>;
