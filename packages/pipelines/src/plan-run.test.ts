import { describe, expect, it } from "vitest";
import { parsePipeline } from "./parse-pipeline";
import { downstreamOf, planRun, retryDelayMs, type RunPlan } from "./plan-run";

//   a ──> b ──> d ──> f        e (alone)
//   └───> c ──┘
const { pipeline, errors } = parsePipeline({
  path: "pipelines/p/pipeline.yaml",
  content: `name: p
parameters:
  size: { default: 10 }
variations:
  just_d: { nodes: [d] }
  d_with_upstream: { nodes: [d], include_upstream: true, parameters: { size: 3 } }
nodes:
  - { id: a, type: container, image: x, outputs: o.json, retries: { attempts: 2, backoff: 3s }, timeout: 30s }
  - { id: b, type: sql, sql: x, depends_on: [a] }
  - { id: c, type: sql, sql: "select {{outputs.a.n}}", depends_on: [a] }
  - { id: d, type: container, image: x, outputs: o.json, depends_on: [b, c] }
  - { id: e, type: sql, sql: x }
  - { id: f, type: sql, sql: "select {{outputs.d.m}}", depends_on: [d] }
`,
});
if (!pipeline) throw new Error(JSON.stringify(errors));

const summary = (plan: RunPlan) => plan.nodes.map((n) => `${n.id}:${n.deps.join("+") || "-"}:${n.remainingDeps}${n.reused ? ":reused" : ""}`);

describe("planRun", () => {
  it("plans everything in a stable topological order", () => {
    const plan = planRun(pipeline, { kind: "all" });
    expect(plan.order).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(summary(plan)).toEqual(["a:-:0", "b:a:1", "c:a:1", "d:b+c:2", "e:-:0", "f:d:1"]);
    expect(plan.roots).toEqual(["a", "e"]);
    expect(plan.nodes[0]).toEqual({
      id: "a",
      type: "container",
      deps: [],
      remainingDeps: 0,
      reused: false,
      maxAttempts: 3,
      backoffMs: 3_000,
      timeoutMs: 30_000,
      needsOutputsOf: [],
    });
    expect(plan.nodes.find((n) => n.id === "c")!.needsOutputsOf).toEqual(["a"]);
    expect(plan.parameters).toEqual({ size: { value: 10, source: "default" } });
  });

  it("plans a single node", () => {
    const plan = planRun(pipeline, { kind: "node", node: "b" });
    expect(summary(plan)).toEqual(["b:-:0"]);
    expect(plan.roots).toEqual(["b"]);
  });

  it("refuses a single node whose upstream outputs would be missing, unless a resumed run has them", () => {
    expect(() => planRun(pipeline, { kind: "node", node: "c" })).toThrow('node "c" reads outputs of "a", which this run neither runs nor reuses');
    const plan = planRun(pipeline, { kind: "node", node: "c", resume: { succeeded: ["a", "b"] } });
    expect(summary(plan)).toEqual(["c:-:0"]);
    expect(plan.nodes[0].needsOutputsOf).toEqual(["a"]);
  });

  it("plans a node and everything downstream of it", () => {
    const plan = planRun(pipeline, { kind: "downstream", node: "b" });
    expect(summary(plan)).toEqual(["b:-:0", "d:b:1", "f:d:1"]);
    expect(plan.roots).toEqual(["b"]);
  });

  it("plans a variation as listed, or with its upstream, and merges its parameters", () => {
    expect(summary(planRun(pipeline, { kind: "variation", name: "just_d" }))).toEqual(["d:-:0"]);
    const plan = planRun(pipeline, { kind: "variation", name: "d_with_upstream" }, { runParams: {} });
    expect(summary(plan)).toEqual(["a:-:0", "b:a:1", "c:a:1", "d:b+c:2"]);
    expect(plan.variation).toBe("d_with_upstream");
    expect(plan.parameters).toEqual({ size: { value: 3, source: "variation" } });
    const overridden = planRun(pipeline, { kind: "variation", name: "d_with_upstream" }, { overrides: { size: 5 }, runParams: { size: 7 } });
    expect(overridden.parameters).toEqual({ size: { value: 7, source: "run" } });
  });

  it("resumes: succeeded nodes are reused and do not count as remaining dependencies", () => {
    const plan = planRun(pipeline, { kind: "all", resume: { succeeded: ["a", "b", "e"] } });
    expect(summary(plan)).toEqual(["a:-:0:reused", "b:a:0:reused", "c:a:0", "d:b+c:1", "e:-:0:reused", "f:d:1"]);
    expect(plan.roots).toEqual(["c"]);
  });

  it("does not reuse a node whose upstream runs again", () => {
    const plan = planRun(pipeline, { kind: "all", resume: { succeeded: ["b", "gone"] } });
    expect(plan.nodes.every((n) => !n.reused)).toBe(true);
    expect(plan.roots).toEqual(["a", "e"]);
  });

  it("rejects unknown nodes and variations", () => {
    expect(() => planRun(pipeline, { kind: "node", node: "zz" })).toThrow('no node "zz" in this pipeline');
    expect(() => planRun(pipeline, { kind: "variation", name: "zz" })).toThrow('unknown variation "zz"');
    expect(() => planRun(pipeline, { kind: "all" }, { runParams: { nope: 1 } })).toThrow('unknown parameter "nope"');
  });
});

describe("downstreamOf", () => {
  it("lists every descendant in topological order", () => {
    expect(downstreamOf(pipeline, "a")).toEqual(["b", "c", "d", "f"]);
    expect(downstreamOf(pipeline, "c")).toEqual(["d", "f"]);
    expect(downstreamOf(pipeline, "e")).toEqual([]);
  });

  it("throws for an unknown node", () => {
    expect(() => downstreamOf(pipeline, "zz")).toThrow(/no node "zz"/);
  });
});

describe("retryDelayMs", () => {
  it("doubles the backoff for each retry, capped at an hour", () => {
    expect([1, 2, 3, 4].map((r) => retryDelayMs(2_000, r))).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(retryDelayMs(60_000, 10)).toBe(3_600_000);
  });
});
