// A node's data tests, run by the worker after the node's work and before its dependents are
// queued (completeNode stores the results in the same transaction that moves the run on).
import { isAppError, redactText } from "@galley/core";
import type { Db } from "@galley/db";
import { evaluateTests, historyDepth, renderNodeTests, testConsequences, testKind, type NodeTest, type PipelineNode, type TestOutcome, type TestQuery, type VariableScope } from "@galley/pipelines";
import type { NodeOutcome } from "./complete-node";

export interface TestSessionRequest {
  environmentId: string;
  schema: string;
  secrets: Record<string, string>;
  timeoutMs: number;
}

/** Runs `fn` with queries in the node's warehouse session, logged in as the Kitchen's role. */
export type WithTestSession = <T>(q: TestSessionRequest, fn: (query: TestQuery) => Promise<T>) => Promise<T>;

export interface NodeTestsInput {
  run: { id: string; kitchenId: string; pipeline: string; environmentId: string; schema: string };
  node: PipelineNode;
  scope: VariableScope;
  secrets: Record<string, string>;
  secretValues: string[];
  durationMs: number;
  log(line: string): void;
}

/** A test's query may take as long as the node may, up to 5 minutes. */
const MAX_TEST_TIMEOUT_MS = 300_000;

export async function runNodeTests(deps: { db: Db; withTestSession?: WithTestSession }, input: NodeTestsInput, outcome: NodeOutcome): Promise<NodeOutcome> {
  const { node } = input;
  const own = { ...input.scope, outputs: { ...input.scope.outputs, [node.id]: outcome.outputs ?? {} } };
  const rendered: NodeTest[] = [];
  const early: TestOutcome[] = [];
  // Rendered one by one: a template that cannot be filled fails its own test only.
  for (const test of node.tests) {
    try {
      rendered.push(renderNodeTests({ ...node, tests: [test] }, own).value[0]);
    } catch (e) {
      early.push(errorOutcome(test, (e as Error).message));
    }
  }
  let outcomes: TestOutcome[];
  try {
    // The history (Galley's database) is read while the warehouse session opens.
    const history = testHistory(deps.db, input.run, node.id, rendered);
    history.catch(() => {});
    const evaluate = async (query: TestQuery) => evaluateTests(query, { tests: rendered, outputs: outcome.outputs ?? {}, durationMs: input.durationMs, history: await history });
    const needsWarehouse = rendered.some((t) => !["output", "duration"].includes(testKind(t.metric) ?? ""));
    if (!needsWarehouse) outcomes = await evaluate(() => Promise.reject(new Error("no warehouse session")));
    else if (!deps.withTestSession) outcomes = rendered.map((t) => errorOutcome(t, "this worker has no warehouse session for data tests"));
    else {
      const timeoutMs = Math.min(node.timeout_ms, MAX_TEST_TIMEOUT_MS);
      outcomes = await deps.withTestSession({ environmentId: input.run.environmentId, schema: input.run.schema, secrets: input.secrets, timeoutMs }, evaluate);
    }
  } catch (e) {
    // The session itself failed (warehouse down): every test says so, none is silently skipped.
    const why = isAppError(e) ? e.message : `internal error: ${(e as Error).message}`;
    outcomes = rendered.map((t) => errorOutcome(t, why));
  }
  const all = [...early, ...outcomes].map((o) => redactOutcome(o, input.secretValues));
  // Each test that did not pass gets its line; the passing ones one line together (the run page
  // lists every result with value and limits; 100 lines per node only slowed the log down).
  const passed = all.filter((o) => o.verdict === "passed" && !o.rule);
  for (const o of all) if (!passed.includes(o)) input.log(`[galley] test ${o.name} (${o.level}): ${o.verdict}${o.rule ? ` [${o.rule}]` : ""} - ${o.message}`);
  if (passed.length) input.log(`[galley] ${passed.length} test${passed.length > 1 ? "s" : ""} passed: ${passed.map((o) => o.name).join(", ")}`);
  const { nodeError, warnings } = testConsequences(all);
  const tests = { results: all, warnings };
  if (nodeError) return { ...outcome, status: "failed", error: nodeError, tests, noRetry: true };
  return { ...outcome, tests };
}

function errorOutcome(test: NodeTest, why: string): TestOutcome {
  return {
    name: test.name, kind: testKind(test.metric) ?? "sql", level: test.level, verdict: "error", value: null,
    lowerLimit: null, upperLimit: null, mean: null, sigma: null, rule: null, message: `test ${test.name}: ${why}`, failingRows: null, examples: null,
  };
}

function redactOutcome(o: TestOutcome, secrets: string[]): TestOutcome {
  if (secrets.length === 0) return o;
  const r = (s: string) => redactText(s, secrets);
  const examples = o.examples?.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "string" ? r(v) : v])));
  return { ...o, message: r(o.message), rule: o.rule && r(o.rule), examples: examples ?? null };
}

/**
 * Earlier values of the tests whose checks need them (change, control): newest first per test,
 * from runs that succeeded in the same Kitchen, pipeline and node. One query; each test walks
 * the history index backwards and stops after its depth.
 */
async function testHistory(db: Db, run: NodeTestsInput["run"], nodeId: string, tests: readonly NodeTest[]): Promise<Record<string, number[]>> {
  const wanted = tests.map((t) => ({ name: t.name, depth: historyDepth(t.check) })).filter((t) => t.depth > 0);
  if (wanted.length === 0) return {};
  const rows = await db.$queryRaw<{ test_name: string; value: number }[]>`
    SELECT n.name AS test_name, h.value
    FROM unnest(${wanted.map((w) => w.name)}::text[], ${wanted.map((w) => w.depth)}::int[]) AS n(name, depth)
    CROSS JOIN LATERAL (
      SELECT tr.value, tr.created_at FROM test_results tr JOIN runs r ON r.id = tr.run_id
      WHERE tr.kitchen_id = ${run.kitchenId}::uuid AND tr.pipeline = ${run.pipeline} AND tr.node = ${nodeId}
        AND tr.test_name = n.name AND tr.value IS NOT NULL AND tr.verdict <> 'error'
        AND r.status = 'succeeded' AND tr.run_id <> ${run.id}::uuid
      ORDER BY tr.created_at DESC LIMIT n.depth
    ) h
    ORDER BY n.name, h.created_at ASC`;
  const out: Record<string, number[]> = {};
  for (const r of rows) (out[r.test_name] ??= []).push(Number(r.value));
  return out;
}
