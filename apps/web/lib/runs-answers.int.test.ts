// The runs API's cached answers (lib/runs-answers.ts) against a real database: kept while nothing
// changes, dropped by the NOTIFY of the change that concerns them, never wider than the access
// policy allows at the moment of the request. Changes are written as the worker writes them, from
// another connection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, params, postJson, req, setUpRunsTestEnv, type RunsTestEnv } from "./runs-test-env";

let g: RunsTestEnv;
let api: {
  start: typeof import("../app/api/kitchens/[k]/pipelines/[p]/runs/route").POST;
  runs: typeof import("../app/api/kitchens/[k]/runs/route").GET;
  run: typeof import("../app/api/runs/[id]/route").GET;
  cancel: typeof import("../app/api/runs/[id]/cancel/route").POST;
};

beforeAll(async () => {
  g = await setUpRunsTestEnv();
  api = {
    start: (await import("../app/api/kitchens/[k]/pipelines/[p]/runs/route")).POST,
    runs: (await import("../app/api/kitchens/[k]/runs/route")).GET,
    run: (await import("../app/api/runs/[id]/route")).GET,
    cancel: (await import("../app/api/runs/[id]/cancel/route")).POST,
  };
});
afterAll(() => g?.cleanup());

type ListItem = { id: string; status: string; nodeCounts: Record<string, number> };

async function newRun(kitchen = "padma_feature"): Promise<string> {
  const res = await api.start(postJson(`/api/kitchens/${kitchen}/pipelines/demo/runs`, { parameters: { min_rows: 3 } }, await as("padma@galley.local")), params({ k: kitchen, p: "demo" }));
  expect(res.status).toBe(201);
  const id = (await res.json()).run.id;
  // The start's own NOTIFYs arrive after it answered: let them pass before priming a cache, so
  // that what drops an answer later is the change each test makes.
  await new Promise((r) => setTimeout(r, 300));
  return id;
}

async function list(kitchen = "padma_feature", who = "padma@galley.local"): Promise<ListItem[]> {
  const res = await api.runs(req(`/api/kitchens/${kitchen}/runs`, { headers: await as(who) }), params({ k: kitchen }));
  expect(res.status).toBe(200);
  return (await res.json()).runs;
}

async function detail(id: string, who = "padma@galley.local"): Promise<Response> {
  return api.run(req(`/api/runs/${id}`, { headers: await as(who) }), params({ id }));
}

/** Asks until `check` holds; how long it took (the NOTIFY's way back). */
async function eventually(check: () => Promise<boolean>, ms = 3_000): Promise<number> {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - t0;
}

/** A write that fires no trigger (so no NOTIFY): what a cached answer must not see. */
async function writeQuietly(sql: string, ...values: unknown[]): Promise<void> {
  await g.t.db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
    await tx.$executeRawUnsafe(sql, ...values);
  });
}

describe("cached runs answers", () => {
  it("a Kitchen's runs list is served from memory until its runs change, then recomputed within moments", async () => {
    const first = await newRun();
    expect((await list()).find((r) => r.id === first)?.status).toBe("queued");
    await writeQuietly(`UPDATE runs SET status = 'failed' WHERE id = $1::uuid`, first);
    // Nothing announced the change: the answer is the one computed before.
    expect((await list()).find((r) => r.id === first)?.status).toBe("queued");

    // The worker adds a run in this Kitchen (from its own connection): the list is dropped and recomputed.
    const dev = await g.t.db.kitchen.findFirstOrThrow({ where: { name: "padma_feature", deletedAt: null } });
    const added = await g.t.db.run.create({ data: { kitchenId: dev.id, pipeline: "demo", commit: "c0ffee", status: "running", trigger: "schedule" } });
    await eventually(async () => (await list()).some((r) => r.id === added.id));
    expect((await list()).find((r) => r.id === first)?.status).toBe("failed");
  });

  it("a node's status change refreshes its Kitchen's list, not another Kitchen's", async () => {
    const id = await newRun();
    const devRun = await newRun("dev");
    expect((await list()).find((r) => r.id === id)?.nodeCounts).toEqual({ queued: 1, pending: 2 });
    expect((await list("dev")).find((r) => r.id === devRun)?.nodeCounts).toEqual({ queued: 1, pending: 2 });
    await writeQuietly(`UPDATE node_runs SET status = 'running' WHERE run_id = $1::uuid AND node_id = 'extract'`, devRun);
    await g.t.db.nodeRun.updateMany({ where: { runId: id, nodeId: "extract" }, data: { status: "running" } });
    await eventually(async () => (await list()).find((r) => r.id === id)?.nodeCounts.running === 1);
    // dev's list was not dropped by padma_feature's change: its quiet write is still unseen.
    expect((await list("dev")).find((r) => r.id === devRun)?.nodeCounts).toEqual({ queued: 1, pending: 2 });
  });

  it("a run's page is recomputed when its run changes: nodes, logs, status", async () => {
    const id = await newRun();
    const before = await (await detail(id)).json();
    expect(before.nodes.map((n: { status: string }) => n.status)).toEqual(["queued", "pending", "pending"]);
    await writeQuietly(`UPDATE runs SET error = 'quiet' WHERE id = $1::uuid`, id);
    expect((await (await detail(id)).json()).run.error).toBeNull();
    const extract = await g.t.db.nodeRun.findFirstOrThrow({ where: { runId: id, nodeId: "extract" } });
    await g.t.db.nodeRun.update({ where: { id: extract.id }, data: { status: "succeeded", logBytes: 12 } });
    const waited = await eventually(async () => (await (await detail(id)).json()).nodes[0].status === "succeeded");
    const after = await (await detail(id)).json();
    expect(after.nodes[0]).toMatchObject({ status: "succeeded", logBytes: 12 });
    expect(after.run.error).toBe("quiet");
    expect(waited).toBeLessThan(3_000);
  });

  it("access is decided on every request: a person taken off the staff loses a cached run at once; managers get the masked copy", async () => {
    const id = await newRun();
    const padmaText = await (await detail(id)).text();
    expect(padmaText).toMatch(/LOADER_TOKEN/);
    const maya = await detail(id, "maya@galley.local");
    expect(maya.status).toBe(200);
    expect(await maya.text()).not.toMatch(/LOADER_TOKEN/);

    const kitchen = await g.t.db.kitchen.findFirstOrThrow({ where: { name: "padma_feature", deletedAt: null } });
    const padma = await g.t.db.user.findUniqueOrThrow({ where: { email: "padma@galley.local" } });
    const staff = await g.t.db.kitchenStaff.findMany({ where: { kitchenId: kitchen.id } });
    await g.t.db.kitchenStaff.deleteMany({ where: { kitchenId: kitchen.id, userId: padma.id } });
    try {
      await eventually(async () => (await detail(id)).status === 403);
      const runs = await api.runs(req("/x", { headers: await as("padma@galley.local") }), params({ k: "padma_feature" }));
      expect(runs.status).toBe(403);
    } finally {
      await g.t.db.kitchenStaff.createMany({ data: staff.filter((s) => s.userId === padma.id), skipDuplicates: true });
    }
    await eventually(async () => (await detail(id)).status === 200);
  });

  it("this process's own writes read back at once, with no wait for their NOTIFY", async () => {
    const id = await newRun();
    expect((await (await detail(id)).json()).run.status).toBe("queued");
    expect((await list()).find((r) => r.id === id)?.status).toBe("queued");
    const res = await api.cancel(req("/x", { method: "POST", headers: { ...(await as("padma@galley.local")), origin: "http://galley.test" } }), params({ id }));
    expect(res.status).toBe(200);
    expect((await (await detail(id)).json()).run.status).toBe("cancelled");
    expect((await list()).find((r) => r.id === id)?.status).toBe("cancelled");
  });

  it("an unknown run is a 404 and is not remembered", async () => {
    const missing = "5f0c7c1e-0000-4000-8000-000000000001";
    expect((await detail(missing)).status).toBe(404);
    expect((await detail(missing)).status).toBe(404);
  });
});
