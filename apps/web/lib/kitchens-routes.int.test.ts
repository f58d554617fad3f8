// The Kitchens, files and merges routes against a real Galley (database, repository, vault,
// warehouses), called with Request objects and real sessions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, params, req, send, setUpKitchensTestEnv, type KitchensTestEnv } from "./kitchens-test-env";

let env: KitchensTestEnv;
let r: Awaited<ReturnType<typeof loadRoutes>>;

async function loadRoutes() {
  return {
    kitchens: await import("../app/api/kitchens/route"),
    kitchen: await import("../app/api/kitchens/[k]/route"),
    tables: await import("../app/api/kitchens/[k]/tables/route"),
    staff: await import("../app/api/kitchens/[k]/staff/route"),
    staffMember: await import("../app/api/kitchens/[k]/staff/[userId]/route"),
    variable: await import("../app/api/kitchens/[k]/variables/[name]/route"),
    files: await import("../app/api/kitchens/[k]/files/route"),
    content: await import("../app/api/kitchens/[k]/files/content/route"),
    validate: await import("../app/api/kitchens/[k]/files/validate/route"),
    history: await import("../app/api/kitchens/[k]/history/route"),
    commit: await import("../app/api/kitchens/[k]/commits/[sha]/route"),
    revert: await import("../app/api/kitchens/[k]/revert/route"),
    compare: await import("../app/api/kitchens/[k]/compare/route"),
    preview: await import("../app/api/kitchens/[k]/merge/preview/route"),
    merge: await import("../app/api/kitchens/[k]/merge/route"),
    mergeRow: await import("../app/api/merges/[id]/route"),
    resolve: await import("../app/api/merges/[id]/resolve/route"),
    abort: await import("../app/api/merges/[id]/abort/route"),
  };
}

beforeAll(async () => {
  env = await setUpKitchensTestEnv();
  r = await loadRoutes();
}, 120_000);
afterAll(() => env?.cleanup());

const PADMA = "padma@galley.local";
const CHRIS = "chris@galley.local";
const MAYA = "maya@galley.local";
const ADMIN = "admin@galley.local";

async function body(res: Response) {
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

async function createAs(email: string, input: Record<string, unknown>) {
  return r.kitchens.POST(send("POST", "/api/kitchens", input, await as(email)));
}

describe("POST /api/kitchens and DELETE /api/kitchens/:k", () => {
  it("creates a Kitchen with a report, lists it, then deletes it by name", async () => {
    const res = await createAs(PADMA, { name: "padma_profit", parent: "dev", description: "profit", staff: [MAYA] });
    expect(res.status).toBe(201);
    const created = await body(res);
    expect(created.kitchen).toMatchObject({ name: "padma_profit", parent: "dev", environment: "development", branch: "padma_profit", schema: "padma_profit" });
    expect(created.report.steps.map((s: { step: string }) => s.step)).toEqual(["check", "branch", "schema", "records"]);
    expect(created.report.tables.map((t: { table: string; mode: string }) => `${t.table}:${t.mode}`).sort()).toEqual(["customers:view", "orders_history:view"]);

    const list = await body(await r.kitchens.GET(req("/api/kitchens", { headers: await as(MAYA) })));
    expect(list.kitchens.find((k: { name: string }) => k.name === "padma_profit")).toMatchObject({ parent: "dev", staff: [{ email: PADMA, isOwner: true }, { email: MAYA, isOwner: false }] });

    const detail = await body(await r.kitchen.GET(req("/api/kitchens/padma_profit", { headers: await as(PADMA) }), params({ k: "padma_profit" })));
    expect(detail).toMatchObject({ kitchen: { name: "padma_profit", createdBy: "Padma" }, children: [], canMergeInto: true, canMergeUp: true, canManage: true });
    const tables = await body(await r.tables.GET(req("/api/kitchens/padma_profit/tables", { headers: await as(PADMA) }), params({ k: "padma_profit" })));
    expect(tables.tables.map((t: { name: string; kind: string; viewOf?: string }) => [t.name, t.kind, t.viewOf])).toEqual([["customers", "view", "dev.customers"], ["orders_history", "view", "dev.orders_history"]]);

    const wrong = await r.kitchen.DELETE(send("DELETE", "/api/kitchens/padma_profit", { confirm: "nope" }, await as(PADMA)), params({ k: "padma_profit" }));
    expect(wrong.status).toBe(422);
    const del = await r.kitchen.DELETE(send("DELETE", "/api/kitchens/padma_profit", { confirm: "padma_profit" }, await as(PADMA)), params({ k: "padma_profit" }));
    expect(del.status).toBe(204);
    expect(await env.repo.branchExists("padma_profit")).toBe(false);
    const gone = await r.kitchen.GET(req("/api/kitchens/padma_profit", { headers: await as(PADMA) }), params({ k: "padma_profit" }));
    expect(gone.status).toBe(404);
  });

  it("answers a failed step with error.details.step and leaves nothing behind", async () => {
    const res = await createAs(PADMA, { name: "bad_policy", parent: "dev", dataPolicy: { default: "copy", masks: { customers: { id: { kind: "fixed", value: "x" } } } } });
    expect(res.status).toBe(422);
    const { error } = await body(res);
    expect(error).toMatchObject({ code: "invalid_input", field: "tables.customers", details: { step: "data", undone: [{ step: "schema", ok: true }, { step: "branch", ok: true }] } });
    expect(await env.repo.branchExists("bad_policy")).toBe(false);
  });

  it("answers 422 with a message for reserved schema names (pg_probe answered 500) and creates nothing", async () => {
    for (const name of ["pg_probe", "galley_k_dev", "information_schema", "public"]) {
      const res = await createAs(PADMA, { name, parent: "dev" });
      expect(res.status, name).toBe(422);
      const { error } = await body(res);
      expect(error, name).toMatchObject({ code: "invalid_input", field: "name", message: expect.stringMatching(/reserved|already has/) });
      expect(await env.repo.branchExists(name), name).toBe(false);
      expect(await env.t.db.kitchen.count({ where: { name } }), name).toBe(0);
    }
  });

  it("validates input and refuses CSRF", async () => {
    expect((await createAs(PADMA, { name: "Nope!", parent: "dev" })).status).toBe(422);
    expect((await createAs(PADMA, { name: "dev", parent: "dev" })).status).toBe(409);
    expect((await createAs(MAYA, { name: "maya_k", parent: "dev" })).status).toBe(403);
    const noOrigin = await r.kitchens.POST(req("/api/kitchens", { method: "POST", body: JSON.stringify({ name: "csrf_k", parent: "dev" }), headers: { "content-type": "application/json", ...(await as(PADMA)) } }));
    expect(noOrigin.status).toBe(403);
  });
});

describe("staff authorisation on every Kitchen route", () => {
  type Call = [string, (email: string, k: string) => Promise<Response>];
  const sha = "0".repeat(40);
  const uuid = "00000000-0000-4000-8000-000000000000";
  const calls: Call[] = [
    ["GET kitchen", async (e, k) => r.kitchen.GET(req(`/api/kitchens/${k}`, { headers: await as(e) }), params({ k }))],
    ["PATCH kitchen", async (e, k) => r.kitchen.PATCH(send("PATCH", `/api/kitchens/${k}`, { description: "x" }, await as(e)), params({ k }))],
    ["DELETE kitchen", async (e, k) => r.kitchen.DELETE(send("DELETE", `/api/kitchens/${k}`, { confirm: k }, await as(e)), params({ k }))],
    ["GET tables", async (e, k) => r.tables.GET(req(`/api/kitchens/${k}/tables`, { headers: await as(e) }), params({ k }))],
    ["POST staff", async (e, k) => r.staff.POST(send("POST", `/api/kitchens/${k}/staff`, { email: e }, await as(e)), params({ k }))],
    ["DELETE staff", async (e, k) => r.staffMember.DELETE(send("DELETE", `/api/kitchens/${k}/staff/${uuid}`, undefined, await as(e)), params({ k, userId: uuid }))],
    ["PUT variable", async (e, k) => r.variable.PUT(send("PUT", `/api/kitchens/${k}/variables/X`, { value: "1" }, await as(e)), params({ k, name: "X" }))],
    ["DELETE variable", async (e, k) => r.variable.DELETE(send("DELETE", `/api/kitchens/${k}/variables/X`, undefined, await as(e)), params({ k, name: "X" }))],
    ["GET files", async (e, k) => r.files.GET(req(`/api/kitchens/${k}/files`, { headers: await as(e) }), params({ k }))],
    ["GET content", async (e, k) => r.content.GET(req(`/api/kitchens/${k}/files/content?path=README.md`, { headers: await as(e) }), params({ k }))],
    ["PUT content", async (e, k) => r.content.PUT(send("PUT", `/api/kitchens/${k}/files/content`, { path: "x.sql", content: "x", message: "m" }, await as(e)), params({ k }))],
    ["DELETE content", async (e, k) => r.content.DELETE(send("DELETE", `/api/kitchens/${k}/files/content?path=README.md&message=m`, undefined, await as(e)), params({ k }))],
    ["POST validate", async (e, k) => r.validate.POST(send("POST", `/api/kitchens/${k}/files/validate`, { path: "a.sql", content: "" }, await as(e)), params({ k }))],
    ["GET history", async (e, k) => r.history.GET(req(`/api/kitchens/${k}/history`, { headers: await as(e) }), params({ k }))],
    ["GET commit", async (e, k) => r.commit.GET(req(`/api/kitchens/${k}/commits/${sha}`, { headers: await as(e) }), params({ k, sha }))],
    ["POST revert", async (e, k) => r.revert.POST(send("POST", `/api/kitchens/${k}/revert`, {}, await as(e)), params({ k }))],
    ["GET compare", async (e, k) => r.compare.GET(req(`/api/kitchens/${k}/compare`, { headers: await as(e) }), params({ k }))],
    ["POST preview", async (e, k) => r.preview.POST(send("POST", `/api/kitchens/${k}/merge/preview`, { direction: "down" }, await as(e)), params({ k }))],
    ["POST merge", async (e, k) => r.merge.POST(send("POST", `/api/kitchens/${k}/merge`, { direction: "down" }, await as(e)), params({ k }))],
  ];

  it("answers 403 to non-staff of a shared Kitchen", async () => {
    for (const [name, call] of calls) {
      const res = await call(MAYA, "padma_feature");
      expect([name, res.status]).toEqual([name, 403]);
      expect((await body(res)).error.message).toMatch(/not on the staff of Kitchen padma_feature|only owners/);
    }
  });

  it("answers 404 to non-staff of a private Kitchen, as if it did not exist", async () => {
    expect((await createAs(PADMA, { name: "padma_secret", parent: "dev", isPrivate: true })).status).toBe(201);
    for (const [name, call] of calls) {
      const res = await call(CHRIS, "padma_secret");
      expect([name, res.status, (await body(res)).error.message]).toEqual([name, 404, "Kitchen padma_secret does not exist"]);
    }
    const res = await r.kitchen.GET(req("/api/kitchens/padma_secret", { headers: await as(ADMIN) }), params({ k: "padma_secret" }));
    expect(res.status).toBe(200);
  });

  it("401 without a session", async () => {
    const res = [
      await r.kitchen.GET(req("/api/kitchens/padma_feature"), params({ k: "padma_feature" })),
      await r.files.GET(req("/api/kitchens/padma_feature/files"), params({ k: "padma_feature" })),
      await r.merge.POST(send("POST", "/api/kitchens/padma_feature/merge", { direction: "down" }), params({ k: "padma_feature" })),
      await r.kitchens.POST(send("POST", "/api/kitchens", { name: "anon_k", parent: "dev" })),
    ];
    expect(res.map((x) => x.status)).toEqual([401, 401, 401, 401]);
  });
});

describe("files, history and merges through the API", () => {
  it("saves, reads, validates, diffs, reverts", async () => {
    const h = await as(PADMA);
    const list = await body(await r.files.GET(req("/api/kitchens/padma_feature/files", { headers: h }), params({ k: "padma_feature" })));
    expect(list.files.map((f: { path: string }) => f.path)).toContain("pipelines/smoke_test/pipeline.yaml");
    const saved = await r.content.PUT(send("PUT", "/api/kitchens/padma_feature/files/content", { path: "pipelines/smoke_test/pipeline.yaml", content: "name: smoke_test\nnodes: 3\n", message: "break", expectedHead: list.head }, h), params({ k: "padma_feature" }));
    expect(saved.status).toBe(200);
    const s = await body(saved);
    expect(s.validation[0]).toMatchObject({ file: "pipelines/smoke_test/pipeline.yaml", line: 2, field: "nodes" });
    const stale = await r.content.PUT(send("PUT", "/api/kitchens/padma_feature/files/content", { path: "a.sql", content: "x", message: "m", expectedHead: list.head }, h), params({ k: "padma_feature" }));
    expect(stale.status).toBe(409);
    const v = await body(await r.validate.POST(send("POST", "/api/kitchens/padma_feature/files/validate", { path: "pipelines/smoke_test/pipeline.yaml", content: "name: [" }, h), params({ k: "padma_feature" })));
    expect(v.errors[0]).toMatchObject({ file: "pipelines/smoke_test/pipeline.yaml", line: expect.any(Number) });
    const hist = await body(await r.history.GET(req("/api/kitchens/padma_feature/history?limit=1", { headers: h }), params({ k: "padma_feature" })));
    expect(hist.commits[0]).toMatchObject({ sha: s.commit, author: "Padma", message: "break" });
    const c = await body(await r.commit.GET(req(`/api/kitchens/padma_feature/commits/${s.commit}`, { headers: h }), params({ k: "padma_feature", sha: s.commit })));
    expect(c.files[0].patch).toContain("+nodes: 3");
    const cmp = await body(await r.compare.GET(req("/api/kitchens/padma_feature/compare", { headers: h }), params({ k: "padma_feature" })));
    expect(cmp).toMatchObject({ parent: "dev", ahead: 1, behind: 0, files: [{ path: "pipelines/smoke_test/pipeline.yaml", status: "modified" }] });
    const rev = await r.revert.POST(send("POST", "/api/kitchens/padma_feature/revert", {}, h), params({ k: "padma_feature" }));
    expect(rev.status).toBe(200);
    const read = await body(await r.content.GET(req("/api/kitchens/padma_feature/files/content?path=pipelines/smoke_test/pipeline.yaml", { headers: h }), params({ k: "padma_feature" })));
    expect(read.content).toMatch(/^name: smoke_test/);
    expect(read.content).not.toContain("nodes: 3");
  });

  it("refuses unsafe paths and oversize files with clear statuses", async () => {
    const h = await as(PADMA);
    const put = (path: string, content: string) => r.content.PUT(send("PUT", "/api/kitchens/padma_feature/files/content", { path, content, message: "m" }, h), params({ k: "padma_feature" }));
    const trav = await put("../../etc/passwd", "x");
    expect(trav.status).toBe(422);
    expect((await body(trav)).error.message).toMatch(/Invalid path ".*": "\.\." parts are not allowed/);
    expect((await put("/etc/passwd", "x")).status).toBe(422);
    expect((await put("bin.dat", "a\u0000b")).status).toBe(422);
    expect((await put("big.sql", "x".repeat(1024 * 1024 + 10))).status).toBe(413);
    const read = await r.content.GET(req("/api/kitchens/padma_feature/files/content?path=..%2Fx", { headers: h }), params({ k: "padma_feature" }));
    expect(read.status).toBe(422);
  });

  it("merges with conflicts, shows them, resolves; variables and staff round-trip", async () => {
    const padma = await as(PADMA);
    const chris = await as(CHRIS);
    const put = (k: string, content: string, h: Record<string, string>) =>
      r.content.PUT(send("PUT", `/api/kitchens/${k}/files/content`, { path: "pipelines/orders_daily/transform.sql", content, message: `edit in ${k}` }, h), params({ k }));
    expect((await put("dev", "select 'dev';\n", chris)).status).toBe(200);
    expect((await put("padma_feature", "select 'padma';\n", padma)).status).toBe(200);
    const pv = await body(await r.preview.POST(send("POST", "/api/kitchens/padma_feature/merge/preview", { direction: "down" }, padma), params({ k: "padma_feature" })));
    expect(pv).toMatchObject({ source: "dev", target: "padma_feature", conflicts: [{ path: "pipelines/orders_daily/transform.sql" }] });
    const m = await body(await r.merge.POST(send("POST", "/api/kitchens/padma_feature/merge", { direction: "down" }, padma), params({ k: "padma_feature" })));
    expect(m).toMatchObject({ status: "conflicts", conflicts: [{ path: "pipelines/orders_daily/transform.sql", ours: "select 'padma';\n", theirs: "select 'dev';\n" }] });
    const row = await body(await r.mergeRow.GET(req(`/api/merges/${m.mergeId}`, { headers: padma }), params({ id: m.mergeId })));
    expect(row.merge).toMatchObject({ source: "dev", target: "padma_feature", status: "open" });
    expect((await r.mergeRow.GET(req(`/api/merges/${m.mergeId}`, { headers: await as(MAYA) }), params({ id: m.mergeId }))).status).toBe(403);
    const missing = await r.resolve.POST(send("POST", `/api/merges/${m.mergeId}/resolve`, { resolutions: {} }, padma), params({ id: m.mergeId }));
    expect(missing.status).toBe(422);
    expect((await body(missing)).error.field).toBe("resolutions.pipelines/orders_daily/transform.sql");
    const done = await r.resolve.POST(send("POST", `/api/merges/${m.mergeId}/resolve`, { resolutions: { "pipelines/orders_daily/transform.sql": "select 'both';\n" } }, padma), params({ id: m.mergeId }));
    expect(done.status).toBe(200);
    expect((await body(done)).status).toBe("committed");
    expect((await r.abort.POST(send("POST", `/api/merges/${m.mergeId}/abort`, undefined, padma), params({ id: m.mergeId }))).status).toBe(409);
    // Chris merges Padma's work up into dev without being on her staff.
    const up = await body(await r.merge.POST(send("POST", "/api/kitchens/padma_feature/merge", { direction: "up" }, chris), params({ k: "padma_feature" })));
    expect(up).toMatchObject({ status: "committed", fastForward: true });
    // ...but Padma may never merge dev into production.
    const prod = await r.merge.POST(send("POST", "/api/kitchens/dev/merge", { direction: "up" }, padma), params({ k: "dev" }));
    expect(prod.status).toBe(403);

    const v = await r.variable.PUT(send("PUT", "/api/kitchens/padma_feature/variables/REGION", { value: "north" }, padma), params({ k: "padma_feature", name: "REGION" }));
    expect(await body(v)).toEqual({ variable: { name: "REGION", value: "north", source: "kitchen" } });
    const add = await r.staff.POST(send("POST", "/api/kitchens/padma_feature/staff", { email: MAYA }, padma), params({ k: "padma_feature" }));
    expect(add.status).toBe(201);
    // The Kitchen keeps no channel of its own: alerts go to its alert routes.
    const refused = await r.kitchen.PATCH(send("PATCH", "/api/kitchens/padma_feature", { alertChannel: "https://hooks.slack.com/services/T0/B0/SECRET" }, padma), params({ k: "padma_feature" }));
    expect(refused.status).toBe(422);
    expect((await body(refused)).error.message).toMatch(/alertChannel.*alert routes/);
    const patched = await body(await r.kitchen.PATCH(send("PATCH", "/api/kitchens/padma_feature", { description: "Padma's work" }, padma), params({ k: "padma_feature" })));
    expect(patched.kitchen.description).toBe("Padma's work");
    expect(patched.kitchen.alertRoutes).toEqual([]);
    expect(patched.variables).toContainEqual({ name: "REGION", value: "north", source: "kitchen", inheritedFrom: null });
    const maya = (patched.kitchen.staff as { id: string; email: string }[]).find((s) => s.email === MAYA)!;
    expect((await r.staffMember.DELETE(send("DELETE", `/api/kitchens/padma_feature/staff/${maya.id}`, undefined, padma), params({ k: "padma_feature", userId: maya.id }))).status).toBe(204);
  });

  it("pages the Kitchen tree by keyset on names: bounded pages, each visible Kitchen once, private ones hidden", async () => {
    const env0 = await env.t.db.environment.findFirstOrThrow({ where: { kind: "development" } });
    const names = Array.from({ length: 30 }, (_, i) => `pg_k${String(i).padStart(2, "0")}`.replace("pg_", "page_"));
    // Every third is private to nobody Maya knows: she must not see it, and pages still fill.
    await env.t.db.kitchen.createMany({ data: names.map((n, i) => ({ name: n, branch: n, schemaName: n, environmentId: env0.id, isPrivate: i % 3 === 0 })) });
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const res: Response = await r.kitchens.GET(req(`/api/kitchens?limit=7${after ? `&after=${after}` : ""}`, { headers: await as(MAYA) }));
      expect(res.status).toBe(200);
      const page = await body(res);
      expect(page.kitchens.length).toBeLessThanOrEqual(7);
      seen.push(...page.kitchens.map((k: { name: string }) => k.name));
      after = page.nextCursor;
      if (!after) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((n) => n.startsWith("page_"))).toEqual(names.filter((_, i) => i % 3 !== 0));
    expect((await r.kitchens.GET(req("/api/kitchens?limit=0", { headers: await as(MAYA) }))).status).toBe(422);
  });
});
