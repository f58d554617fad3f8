// The pipelines and runs API, called as Next calls it (Request + params) against a real
// database and a real bare git repository. No worker: node progress is written as the worker would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, params, postJson, req, setUpRunsTestEnv, type RunsTestEnv } from "./runs-test-env";

let g: RunsTestEnv;
let api: {
  pipelines: typeof import("../app/api/kitchens/[k]/pipelines/route").GET;
  pipeline: typeof import("../app/api/kitchens/[k]/pipelines/[p]/route").GET;
  start: typeof import("../app/api/kitchens/[k]/pipelines/[p]/runs/route").POST;
  runs: typeof import("../app/api/kitchens/[k]/runs/route").GET;
  run: typeof import("../app/api/runs/[id]/route").GET;
  logs: typeof import("../app/api/runs/[id]/nodes/[node]/logs/route").GET;
  cancel: typeof import("../app/api/runs/[id]/cancel/route").POST;
  resume: typeof import("../app/api/runs/[id]/resume/route").POST;
  addTest: typeof import("../app/api/kitchens/[k]/pipelines/[p]/tests/route").POST;
};

beforeAll(async () => {
  g = await setUpRunsTestEnv();
  api = {
    pipelines: (await import("../app/api/kitchens/[k]/pipelines/route")).GET,
    pipeline: (await import("../app/api/kitchens/[k]/pipelines/[p]/route")).GET,
    start: (await import("../app/api/kitchens/[k]/pipelines/[p]/runs/route")).POST,
    runs: (await import("../app/api/kitchens/[k]/runs/route")).GET,
    run: (await import("../app/api/runs/[id]/route")).GET,
    logs: (await import("../app/api/runs/[id]/nodes/[node]/logs/route")).GET,
    cancel: (await import("../app/api/runs/[id]/cancel/route")).POST,
    resume: (await import("../app/api/runs/[id]/resume/route")).POST,
    addTest: (await import("../app/api/kitchens/[k]/pipelines/[p]/tests/route")).POST,
  };
});
afterAll(() => g?.cleanup());

async function start(kitchen: string, pipeline: string, body: unknown, who = "padma@galley.local", headers: Record<string, string> = {}) {
  return api.start(postJson(`/api/kitchens/${kitchen}/pipelines/${pipeline}/runs`, body, { ...(await as(who)), ...headers }), params({ k: kitchen, p: pipeline }));
}

describe("pipelines of a Kitchen", () => {
  it("401 without a session", async () => {
    const res = await api.pipelines(req("/api/kitchens/dev/pipelines"), params({ k: "dev" }));
    expect(res.status).toBe(401);
  });

  it("lists every pipeline of the branch, broken ones with file:line errors", async () => {
    const res = await api.pipelines(req("/api/kitchens/padma_feature/pipelines", { headers: await as("padma@galley.local") }), params({ k: "padma_feature" }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.head).toBe(await g.repo.headOf("padma_feature"));
    expect(body.pipelines.map((p: { name: string }) => p.name)).toEqual(["broken", "demo", "needs_secret"]);
    const [broken, demo, needsSecret] = body.pipelines;
    expect(demo).toMatchObject({ description: "Extract, load, report.", nodes: 3, errors: [], lastRun: null });
    expect(broken.errors[0]).toMatchObject({ file: "pipelines/broken/pipeline.yaml", line: 5, field: "nodes[0].sql" });
    expect(broken.errors[0].message).toMatch(/unknown variable \{\{run_id\}\}/);
    // Parses, but its secret is not in the development vault.
    expect(needsSecret.errors[0].message).toMatch(/API_TOKEN/);
  });

  it("details one pipeline: layout, parameters with their source, errors", async () => {
    const k = await g.t.db.kitchen.findFirstOrThrow({ where: { name: "padma_feature" } });
    await g.t.db.kitchenVariable.create({ data: { kitchenId: k.id, name: "min_rows", value: "5" } });
    const res = await api.pipeline(req("/api/kitchens/padma_feature/pipelines/demo", { headers: await as("padma@galley.local") }), params({ k: "padma_feature", p: "demo" }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.pipeline.nodes.map((n: { id: string }) => n.id)).toEqual(["extract", "load", "report"]);
    expect(body.layout.nodes.map((n: { id: string; layer: number }) => [n.id, n.layer])).toEqual([["extract", 0], ["load", 1], ["report", 2]]);
    expect(body.layout.edges).toEqual([{ from: "extract", to: "load" }, { from: "load", to: "report" }]);
    expect(body.parameters).toEqual({ min_rows: { value: "5", source: "kitchen" } });
    expect(body.errors).toEqual([]);
    const dev = await api.pipeline(req("/api/kitchens/dev/pipelines/demo", { headers: await as("padma@galley.local") }), params({ k: "dev", p: "demo" }));
    expect((await dev.json()).parameters).toEqual({ min_rows: { value: 1, source: "default" } });
  });

  it("404 for a pipeline or Kitchen that does not exist, 403 for non-staff, admins and managers may read", async () => {
    const headers = await as("padma@galley.local");
    expect((await api.pipeline(req("/x", { headers }), params({ k: "dev", p: "nope" }))).status).toBe(404);
    expect((await api.pipelines(req("/x", { headers }), params({ k: "nowhere" }))).status).toBe(404);
    const chris = await api.pipelines(req("/x", { headers: await as("chris@galley.local") }), params({ k: "padma_feature" }));
    expect(chris.status).toBe(403);
    expect((await chris.json()).error.message).toMatch(/not on the staff of Kitchen padma_feature/);
    expect((await api.pipelines(req("/x", { headers: await as("admin@galley.local") }), params({ k: "padma_feature" }))).status).toBe(200);
    // Managers (viewer role) read pipelines and runs of every non-private Kitchen (issue 8).
    const maya = await api.pipelines(req("/x", { headers: await as("maya@galley.local") }), params({ k: "padma_feature" }));
    expect(maya.status).toBe(200);
    // ...but never the names of vault secrets (needs_secret names API_TOKEN in its code and its error).
    const mayaText = await maya.text();
    expect(mayaText).toContain("needs_secret");
    expect(mayaText).not.toContain("API_TOKEN");
    const padmaText = await (await api.pipelines(req("/x", { headers }), params({ k: "padma_feature" }))).text();
    expect(padmaText).toContain("API_TOKEN");
    const detail = await (await api.pipeline(req("/x", { headers: await as("maya@galley.local") }), params({ k: "padma_feature", p: "needs_secret" }))).text();
    expect(detail).toContain("vault.•••");
    expect(detail).not.toContain("API_TOKEN");
  });
});

describe("starting runs", () => {
  it("records the run at the branch head with its nodes and one outbox row per root", async () => {
    const res = await start("dev", "demo", { parameters: { min_rows: 2 } });
    expect(res.status).toBe(201);
    const { run } = await res.json();
    expect(run.status).toBe("queued");
    const row = await g.t.db.run.findUniqueOrThrow({ where: { id: run.id }, include: { nodes: true } });
    const padma = await g.t.db.user.findUniqueOrThrow({ where: { email: "padma@galley.local" } });
    expect(row).toMatchObject({ pipeline: "demo", commit: await g.repo.headOf("dev"), trigger: "manual", triggeredById: padma.id, executor: "local" });
    expect(Object.fromEntries(row.nodes.map((n) => [n.nodeId, n.status]))).toEqual({ extract: "queued", load: "pending", report: "pending" });
    const outbox = await g.t.db.outbox.findMany({ where: { payload: { path: ["runId"], equals: run.id } } });
    expect(outbox.map((o) => (o.payload as { nodeId: string }).nodeId)).toEqual(["extract"]);
  });

  it("the same Idempotency-Key (header or body) returns the first run", async () => {
    const first = await start("dev", "demo", {}, "padma@galley.local", { "idempotency-key": "click-1" });
    expect(first.status).toBe(201);
    const again = await start("dev", "demo", { idempotencyKey: "click-1" });
    expect(again.status).toBe(200);
    expect((await again.json()).run.id).toBe((await first.json()).run.id);
    // Keys are per person: Chris's "click-1" is another run.
    const chris = await start("dev", "demo", {}, "chris@galley.local", { "idempotency-key": "click-1" });
    expect(chris.status).toBe(201);
  });

  it("runs a node, downstream of a node, or a variation", async () => {
    const ids = async (body: unknown) => {
      const res = await start("padma_feature", "demo", body);
      expect(res.status).toBe(201);
      const nodes = await g.t.db.nodeRun.findMany({ where: { runId: (await res.json()).run.id }, select: { nodeId: true } });
      return nodes.map((n) => n.nodeId).sort();
    };
    expect(await ids({ selection: { kind: "downstream", node: "load" } })).toEqual(["load", "report"]);
    expect(await ids({ selection: { kind: "node", node: "report" } })).toEqual(["report"]);
    expect(await ids({ selection: { kind: "variation", name: "quick" } })).toEqual(["extract"]);
    const bad = await start("padma_feature", "demo", { selection: { kind: "node", node: "nope" } });
    expect(bad.status).toBe(404);
    expect((await bad.json()).error).toMatchObject({ field: "selection.node" });
  });

  it("422 with file:line for an invalid pipeline, a missing secret or an unknown parameter", async () => {
    const broken = await start("dev", "broken", {});
    expect(broken.status).toBe(422);
    const { error } = await broken.json();
    expect(error.message).toMatch(/^pipelines\/broken\/pipeline\.yaml:5: unknown variable \{\{run_id\}\}/);
    expect(error.field).toBe("nodes[0].sql");
    expect(error.details[0]).toMatchObject({ file: "pipelines/broken/pipeline.yaml", line: 5 });
    const secret = await start("dev", "needs_secret", {});
    expect(secret.status).toBe(422);
    expect((await secret.json()).error.message).toMatch(/pipelines\/needs_secret\/pipeline\.yaml:\d+: .*API_TOKEN/);
    const param = await start("dev", "demo", { parameters: { nope: 1 } });
    expect(param.status).toBe(422);
    expect((await param.json()).error.field).toBe("params.nope");
    expect(await g.t.db.run.count({ where: { pipeline: { in: ["broken", "needs_secret"] } } })).toBe(0);
  });

  it("refuses non-staff (403), roles that may not write the environment (403), and anonymous callers (401)", async () => {
    expect((await start("padma_feature", "demo", {}, "chris@galley.local")).status).toBe(403);
    // Eric is on dev's staff, but a production engineer does not run in development.
    const eric = await start("dev", "demo", {}, "eric@galley.local");
    expect(eric.status).toBe(403);
    expect((await start("production", "demo", {}, "padma@galley.local")).status).toBe(403);
    expect((await start("production", "demo", {}, "eric@galley.local")).status).toBe(201);
    const anon = await api.start(postJson("/x", {}), params({ k: "dev", p: "demo" }));
    expect(anon.status).toBe(401);
  });
});

describe("reading, cancelling and resuming runs", () => {
  async function newRun(kitchen = "padma_feature") {
    const res = await start(kitchen, "demo", { parameters: { min_rows: 3 } });
    return (await res.json()).run.id as string;
  }

  it("lists a Kitchen's runs with filters", async () => {
    const id = await newRun();
    await g.t.db.run.update({ where: { id }, data: { status: "failed" } });
    const headers = await as("padma@galley.local");
    const list = async (q: string) => (await (await api.runs(req(`/x?${q}`, { headers }), params({ k: "padma_feature" }))).json()).runs;
    const failed = await list("status=failed&pipeline=demo");
    expect(failed.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(failed[0]).toMatchObject({ kitchen: "padma_feature", pipeline: "demo", triggeredBy: { name: "Padma" }, nodeCounts: { queued: 1, pending: 2 } });
    expect((await list("pipeline=broken")).length).toBe(0);
    expect((await list("limit=1")).length).toBe(1);
    const bad = await api.runs(req("/x?status=exploded", { headers }), params({ k: "padma_feature" }));
    expect(bad.status).toBe(422);
  });

  it("pages through a Kitchen's runs by keyset: no run twice, none left out, a bounded page each", async () => {
    const kitchen = await g.t.db.kitchen.findFirstOrThrow({ where: { name: "dev", deletedAt: null } });
    const at = Date.now();
    // 25 runs, several sharing a created_at (the cursor's id breaks the tie).
    await g.t.db.run.createMany({ data: Array.from({ length: 25 }, (_, i) => ({ kitchenId: kitchen.id, pipeline: "demo", commit: "c0ffee", status: "succeeded", trigger: "manual", createdAt: new Date(at - Math.floor(i / 3) * 1000) })) });
    const headers = await as("chris@galley.local");
    const page = async (q: string) => {
      const res = await api.runs(req(`/x?${q}`, { headers }), params({ k: "dev" }));
      expect(res.status).toBe(200);
      return (await res.json()) as { runs: { id: string }[]; nextCursor: string | null };
    };
    const seen: string[] = [];
    let p = await page("limit=10");
    for (let guard = 0; ; guard++) {
      expect(p.runs.length).toBeLessThanOrEqual(10);
      seen.push(...p.runs.map((r) => r.id));
      if (!p.nextCursor || guard > 5) break;
      p = await page(`limit=10&before=${p.nextCursor}`);
    }
    const all = await g.t.db.run.findMany({ where: { kitchenId: kitchen.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } });
    expect(seen).toEqual(all.map((r) => r.id));
    expect((await api.runs(req("/x?before=nonsense", { headers }), params({ k: "dev" }))).status).toBe(422);
  });

  it("shows a run with its nodes and compiled pipeline, secrets as ***", async () => {
    const id = await newRun();
    const res = await api.run(req(`/api/runs/${id}`, { headers: await as("padma@galley.local") }), params({ id }));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/s3cret/);
    const { run, nodes } = JSON.parse(text);
    expect(run).toMatchObject({ kitchen: "padma_feature", pipeline: "demo", status: "queued", executor: "local", parameters: { min_rows: 3 } });
    expect(run.deps).toEqual({ extract: [], load: ["extract"], report: ["load"] });
    expect(run.compiled.nodes[1].env.PGPASSWORD).toBe("***");
    expect(run.compiled.nodes[2].sql).toBe("select 3");
    expect(run.compiled.parameters.min_rows).toEqual({ value: 3, source: "run" });
    expect(run.compiled).not.toHaveProperty("source");
    expect(nodes.map((n: { nodeId: string }) => n.nodeId)).toEqual(["extract", "load", "report"]);
    const chris = await api.run(req(`/x`, { headers: await as("chris@galley.local") }), params({ id }));
    expect(chris.status).toBe(403);
    // A manager reads it, secrets still as *** (issue 8's viewer rule, from the one policy).
    const maya = await api.run(req(`/x`, { headers: await as("maya@galley.local") }), params({ id }));
    expect(maya.status).toBe(200);
    expect(await maya.text()).not.toMatch(/s3cret/);
    expect((await api.run(req(`/x`, { headers: await as("padma@galley.local") }), params({ id: "5f0c7c1e-0000-4000-8000-000000000000" }))).status).toBe(404);
  });

  it("returns each node's test results, and a succeeded run's warnings", async () => {
    const id = await newRun();
    const run = await g.t.db.run.update({ where: { id }, data: { status: "succeeded", warnings: 1 } });
    const load = await g.t.db.nodeRun.findFirstOrThrow({ where: { runId: id, nodeId: "load" } });
    const at = { runId: id, nodeRunId: load.id, kitchenId: run.kitchenId, pipeline: "demo", node: "load" };
    await g.t.db.testResult.create({ data: { ...at, testName: "rows", kind: "row_count", value: 3, lowerLimit: 0, verdict: "passed", level: "fail", message: "3 > 0" } });
    await g.t.db.testResult.create({
      data: { ...at, testName: "ids", kind: "unique", value: 2, lowerLimit: 0, upperLimit: 0, rule: "== 0", verdict: "warned", level: "warn", message: "2 failing row(s)", failingRows: 2, examples: [{ id: 7, duplicates: 2 }] },
    });
    const res = await api.run(req(`/api/runs/${id}`, { headers: await as("padma@galley.local") }), params({ id }));
    const body = await res.json();
    expect(body.run).toMatchObject({ status: "succeeded", warnings: 1 });
    const byNode = Object.fromEntries(body.nodes.map((n: { nodeId: string; tests: unknown[] }) => [n.nodeId, n.tests]));
    expect(byNode.extract).toEqual([]);
    expect(byNode.load).toEqual([
      // Not in the run's pipeline file (the rows were written by hand): by name.
      { name: "ids", kind: "unique", level: "warn", verdict: "warned", value: 2, lowerLimit: 0, upperLimit: 0, mean: null, sigma: null, rule: "== 0", message: "2 failing row(s)", failingRows: 2, examples: [{ id: 7, duplicates: 2 }], attempt: 1 },
      { name: "rows", kind: "row_count", level: "fail", verdict: "passed", value: 3, lowerLimit: 0, upperLimit: null, mean: null, sigma: null, rule: null, message: "3 > 0", failingRows: null, examples: null, attempt: 1 },
    ]);
    const list = await (await api.runs(req(`/x?pipeline=demo&status=succeeded`, { headers: await as("padma@galley.local") }), params({ k: "padma_feature" }))).json();
    expect(list.runs.find((r: { id: string }) => r.id === id)).toMatchObject({ warnings: 1 });
  });

  it("serves a node's log after a line id", async () => {
    const id = await newRun();
    const node = await g.t.db.nodeRun.findFirstOrThrow({ where: { runId: id, nodeId: "extract" } });
    await g.t.db.nodeLog.createMany({ data: ["one", "two", "three"].map((line) => ({ nodeRunId: node.id, attempt: 1, stream: "stdout", line })) });
    await g.t.db.nodeRun.update({ where: { id: node.id }, data: { logTruncated: true } });
    const headers = await as("padma@galley.local");
    const all = await (await api.logs(req("/x", { headers }), params({ id, node: "extract" }))).json();
    expect(all.lines.map((l: { line: string }) => l.line)).toEqual(["one", "two", "three"]);
    expect(all.truncated).toBe(true);
    const after = await (await api.logs(req(`/x?after=${all.lines[0].id}&limit=1`, { headers }), params({ id, node: "extract" }))).json();
    expect(after).toMatchObject({ lines: [{ line: "two", stream: "stdout", attempt: 1 }], hasMore: true });
    expect((await api.logs(req("/x", { headers }), params({ id, node: "nope" }))).status).toBe(404);
  });

  it("cancels a run once; a second cancel is a conflict", async () => {
    const id = await newRun();
    const headers = { ...(await as("padma@galley.local")), origin: "http://galley.test" };
    const res = await api.cancel(req("/x", { method: "POST", headers }), params({ id }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ run: { id, status: "cancelled" }, cancelledNodes: 3, running: 0 });
    const nodes = await g.t.db.nodeRun.findMany({ where: { runId: id }, select: { status: true } });
    expect(nodes.every((n) => n.status === "cancelled")).toBe(true);
    expect((await api.cancel(req("/x", { method: "POST", headers }), params({ id }))).status).toBe(409);
    const admin = { ...(await as("admin@galley.local")), origin: "http://galley.test" };
    expect((await api.cancel(req("/x", { method: "POST", headers: admin }), params({ id }))).status).toBe(403);
  });

  it("resumes a failed run, reusing the nodes that succeeded and the parameters given", async () => {
    const id = await newRun();
    await g.t.db.nodeRun.updateMany({ where: { runId: id, nodeId: "extract" }, data: { status: "succeeded", finishedAt: new Date() } });
    await g.t.db.nodeRun.updateMany({ where: { runId: id, nodeId: "load" }, data: { status: "failed", finishedAt: new Date() } });
    await g.t.db.nodeRun.updateMany({ where: { runId: id, nodeId: "report" }, data: { status: "skipped", finishedAt: new Date() } });
    await g.t.db.run.update({ where: { id }, data: { status: "failed", finishedAt: new Date() } });
    const headers = { ...(await as("padma@galley.local")), origin: "http://galley.test" };
    const res = await api.resume(req("/x", { method: "POST", headers }), params({ id }));
    expect(res.status).toBe(201);
    const { run } = await res.json();
    expect(run.resumedFromId).toBe(id);
    const resumed = await g.t.db.run.findUniqueOrThrow({ where: { id: run.id }, include: { nodes: true } });
    expect(resumed).toMatchObject({ trigger: "resume", parameters: { min_rows: 3 } });
    expect(Object.fromEntries(resumed.nodes.map((n) => [n.nodeId, n.status]))).toEqual({ extract: "reused", load: "queued", report: "pending" });
    // A queued run cannot be resumed.
    expect((await api.resume(req("/x", { method: "POST", headers }), params({ id: run.id }))).status).toBe(409);
  });
});

describe("Add test", () => {
  const add = async (body: unknown, who = "padma@galley.local") =>
    api.addTest(postJson("/api/kitchens/padma_feature/pipelines/demo/tests", body, await as(who)), params({ k: "padma_feature", p: "demo" }));

  it("writes the test into pipeline.yaml as a commit, and the pipeline parses with it", async () => {
    const before = await g.repo.headOf("padma_feature");
    const res = await add({ node: "report", test: { name: "has_rows", metric: { row_count: "report_t" }, check: "> 0", level: "fail" } });
    expect(res.status).toBe(200);
    const { commit, validation } = await res.json();
    expect(validation).toEqual([]);
    expect(commit).toBe(await g.repo.headOf("padma_feature"));
    expect(commit).not.toBe(before);
    const file = await g.repo.readFile("padma_feature", "pipelines/demo/pipeline.yaml");
    expect(file.content).toContain("    tests:\n      - name: has_rows\n        metric: { row_count: report_t }\n        check: \"> 0\"\n        level: fail\n");
    const detail = await (await api.pipeline(req("/x", { headers: await as("padma@galley.local") }), params({ k: "padma_feature", p: "demo" }))).json();
    expect(detail.errors).toEqual([]);
    expect(detail.pipeline.nodes.find((n: { id: string }) => n.id === "report").tests).toEqual([{ name: "has_rows", metric: { row_count: { table: "report_t" } }, check: "> 0", level: "fail" }]);
  });

  it("refuses a bad test naming the field, a duplicate, and people who may not write; nothing is committed", async () => {
    const head = await g.repo.headOf("padma_feature");
    const bad = await add({ node: "report", test: { name: "x", metric: { row_count: "t" }, check: "between 1", level: "fail" } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error).toMatchObject({ field: "test.check", message: expect.stringContaining('check "between 1": expected "and"') });
    const dup = await add({ node: "report", test: { name: "has_rows", metric: "duration", level: "log" } });
    expect(dup.status).toBe(409);
    expect((await add({ node: "nope", test: { name: "y", metric: "duration", level: "log" } })).status).toBe(404);
    expect((await add({ node: "report", test: { name: "y", metric: "duration", level: "log" } }, "maya@galley.local")).status).toBe(403);
    expect(await g.repo.headOf("padma_feature")).toBe(head);
  });
});
