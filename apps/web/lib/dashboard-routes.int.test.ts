// The dashboard and control-chart API through the real route handlers: managers (viewer role)
// see every non-private Kitchen read-only, nobody sees a private Kitchen they are not staff of,
// bad filters are refused with the field named, and answers carry no secrets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, params, req, setUpKitchensTestEnv, type KitchensTestEnv } from "./kitchens-test-env";

let env: KitchensTestEnv;
beforeAll(async () => {
  env = await setUpKitchensTestEnv();
  const { seedDemoHistory } = await import("../../../scripts/seed-demo-history");
  await seedDemoHistory(env.t.db);
});
afterAll(async () => {
  await env?.cleanup();
});

async function dashboard(email: string, query = "") {
  const { GET } = await import("../app/api/dashboard/route");
  const res = await GET(req(`/api/dashboard${query}`, { headers: await as(email) }));
  return {
    status: res.status,
    body: (await res.json()) as {
      pipelines: { kitchen: string; pipeline: string }[];
      pipelinesPage: { offset: number; limit: number; total: number };
      tests: { kitchen: string }[];
      totals: { runs7d: number; testsNotPassing: number };
      error?: { field?: string };
    },
  };
}

const chartParams = { k: "production", p: "orders_daily", node: "transform", test: "rows_in_control" };

describe("GET /api/dashboard", () => {
  it("shows a manager every non-private Kitchen's pipelines, and hides a private one", async () => {
    const { status, body } = await dashboard("maya@galley.local");
    expect(status).toBe(200);
    expect(new Set(body.pipelines.map((p) => p.kitchen))).toEqual(new Set(["production", "dev", "padma_feature"]));
    await env.t.db.kitchen.updateMany({ where: { name: "padma_feature" }, data: { isPrivate: true } });
    try {
      // Another scope, another cache entry: the private Kitchen is gone as soon as the web
      // process hears of the change (NOTIFY galley_kitchens reloads its Kitchen directory; a
      // direct write like this one has no other way to tell it). Trusted 60 s otherwise.
      let hidden = await dashboard("maya@galley.local");
      for (let i = 0; i < 100 && hidden.body.pipelines.some((p) => p.kitchen === "padma_feature"); i++) {
        await new Promise((r) => setTimeout(r, 50));
        hidden = await dashboard("maya@galley.local");
      }
      expect(hidden.body.pipelines.map((p) => p.kitchen)).not.toContain("padma_feature");
      expect(JSON.stringify(hidden.body)).not.toContain("padma_feature");
      const padma = await dashboard("padma@galley.local");
      expect(padma.body.pipelines.map((p) => p.kitchen)).toContain("padma_feature");
    } finally {
      await env.t.db.kitchen.updateMany({ where: { name: "padma_feature" }, data: { isPrivate: false } });
    }
  });

  it("shows others only the Kitchens whose runs they may read (staff)", async () => {
    const { body } = await dashboard("padma@galley.local");
    expect(new Set(body.pipelines.map((p) => p.kitchen))).toEqual(new Set(["dev", "padma_feature"]));
  });

  it("filters, and names a filter it does not understand", async () => {
    const prod = await dashboard("maya@galley.local", "?environment=production");
    expect(prod.body.pipelines.map((p) => `${p.kitchen}/${p.pipeline}`)).toEqual(["production/orders_daily"]);
    const bad = await dashboard("maya@galley.local", "?kitchen=Robert%27);DROP");
    expect(bad.status).toBe(422);
    expect(bad.body.error?.field).toBe("kitchen");
  });

  it("pages the pipelines and lists as many tests as asked, totals counting everything", async () => {
    const all = await dashboard("maya@galley.local");
    const total = all.body.pipelinesPage.total;
    expect(total).toBeGreaterThanOrEqual(3);
    const first = await dashboard("maya@galley.local", "?limit=1");
    const second = await dashboard("maya@galley.local", "?limit=1&offset=1");
    expect(first.body.pipelines).toHaveLength(1);
    expect(second.body.pipelinesPage).toEqual({ offset: 1, limit: 1, total });
    expect(second.body.pipelines[0]).not.toEqual(first.body.pipelines[0]);
    expect(first.body.totals).toEqual(all.body.totals);
    const oneTest = await dashboard("maya@galley.local", "?tests=1");
    expect(oneTest.body.tests).toHaveLength(1);
    expect(oneTest.body.totals.testsNotPassing).toBe(all.body.totals.testsNotPassing);
  });

  it("answers from its cache until the numbers change, then at once shows a finished run", async () => {
    const before = await dashboard("maya@galley.local", "?kitchen=production");
    const prod = await env.t.db.kitchen.findFirstOrThrow({ where: { name: "production", deletedAt: null }, select: { id: true } });
    await env.t.db.$executeRaw`
      INSERT INTO runs (id, kitchen_id, pipeline, commit, status, trigger, created_at, started_at, finished_at)
      VALUES (gen_random_uuid(), ${prod.id}::uuid, 'orders_daily', 'c0ffee0000000000000000000000000000000000', 'succeeded', 'manual', now(), now(), now() + interval '1 second')`;
    // The rollup trigger NOTIFYs galley_dashboard; the process's listener drops the cached answer.
    const deadline = Date.now() + 15_000;
    let after = before;
    while (after.body.totals.runs7d === before.body.totals.runs7d && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      after = await dashboard("maya@galley.local", "?kitchen=production");
    }
    expect(after.body.totals.runs7d).toBe(before.body.totals.runs7d + 1);
  });

  it("needs a session", async () => {
    const { GET } = await import("../app/api/dashboard/route");
    expect((await GET(req("/api/dashboard"))).status).toBe(401);
  });
});

describe("GET /api/kitchens/:k/pipelines/:p/tests/:node/:test", () => {
  it("gives a manager the control chart with limits and the points that broke a rule", async () => {
    const { GET } = await import("../app/api/kitchens/[k]/pipelines/[p]/tests/[node]/[test]/route");
    const res = await GET(req("/api/kitchens/production/pipelines/orders_daily/tests/transform/rows_in_control", { headers: await as("maya@galley.local") }), params(chartParams));
    expect(res.status).toBe(200);
    const c = (await res.json()) as { points: { value: number; lower: number | null; broke: boolean; rule: string | null }[]; summary: { broke: number; rules: Record<string, number> } };
    expect(c.points.length).toBeGreaterThan(100);
    expect(c.summary.broke).toBeGreaterThan(3);
    expect(Object.keys(c.summary.rules)).toContain("8_on_one_side");
    expect(c.points.at(-1)!.lower).not.toBeNull();
  });

  it("refuses a developer outside production's staff, and says when a test has no history", async () => {
    const { GET } = await import("../app/api/kitchens/[k]/pipelines/[p]/tests/[node]/[test]/route");
    const padma = await GET(req("/api/kitchens/production/pipelines/orders_daily/tests/transform/rows_in_control", { headers: await as("padma@galley.local") }), params(chartParams));
    expect(padma.status).toBe(403);
    const none = await GET(req("/api/kitchens/production/pipelines/orders_daily/tests/transform/nope", { headers: await as("maya@galley.local") }), params({ ...chartParams, test: "nope" }));
    expect(none.status).toBe(404);
    expect(await none.text()).toContain("test nope of node transform");
  });
});
