import { AppError } from "@galley/core";
import { uniq } from "@galley/db/testing";
import { createKitchen, mergeKitchen, saveKitchenFile, type KitchenActor } from "@galley/kitchens";
import { createKitchenFixture, type KitchenFixture } from "@galley/kitchens/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MergeRequestEvent, MergeRequestsDeps } from "./deps";
import { getMergeRequest } from "./get-merge-request";
import { closeMergeRequest, mergeMergeRequest } from "./merge-merge-request";
import { listMergeRequests, openMergeRequest } from "./open-merge-request";
import { requestDataDiff } from "./request-data-diff";
import { commentOnMergeRequest, reviewMergeRequest } from "./review-merge-request";

let f: KitchenFixture;
let deps: MergeRequestsDeps;
const events: MergeRequestEvent[] = [];
beforeAll(async () => {
  f = await createKitchenFixture();
  deps = { ...f.deps, notify: async (_tx, e) => void events.push(e) };
});
afterAll(() => f?.cleanup());

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => null, (x) => x);
  if (!(e instanceof AppError)) throw new Error(`expected an AppError, got ${e}`);
  return e;
}

const save = (kitchen: string, path: string, content: string, who: KitchenActor = f.users.padma) => saveKitchenFile(f.deps, { kitchen, path, content, message: `edit ${path}` }, who);

/** A finished run of `pipeline` in `kitchen` at its head (what the worker leaves behind). */
async function runAtHead(kitchen: string, pipeline: string, status: "succeeded" | "failed", warnings = 0) {
  const k = await f.db.kitchen.findFirstOrThrow({ where: { name: kitchen, deletedAt: null }, select: { id: true, branch: true } });
  return f.db.run.create({ data: { kitchenId: k.id, pipeline, commit: await f.repo.headOf(k.branch), status, trigger: "manual", warnings, finishedAt: new Date() }, select: { id: true } });
}

const SUMMARY_PIPELINE = `name: demo
description: Counts orders.
nodes:
  - id: summarise
    type: sql
    sql_file: summarise.sql
`;

describe("merge requests", () => {
  it("a developer's request into dev: diff, checks, comments, merge by dev's staff, alerts", async () => {
    const k = uniq("mr");
    await createKitchen(f.deps, { name: k, parent: "dev" }, f.users.padma);
    await save(k, "pipelines/demo/pipeline.yaml", SUMMARY_PIPELINE);
    await save(k, "pipelines/demo/summarise.sql", "create table summary as select count(*) as n from orders;\n");
    const opened = await openMergeRequest(deps, { kitchen: k, title: "Profit summary", description: "adds summary" }, f.users.padma);
    expect(opened).toMatchObject({ source: k, target: "dev" });
    expect((await failure(openMergeRequest(deps, { kitchen: k, title: "again" }, f.users.padma))).message).toBe(`merge request #${opened.number} from ${k} into dev is already open`);

    // Chris, staff of dev but not of Padma's Kitchen, sees the request with its files and checks.
    const view = await getMergeRequest(deps, opened.id, f.users.chris);
    expect(view.files.map((x) => x.path).sort()).toEqual(["pipelines/demo/pipeline.yaml", "pipelines/demo/summarise.sql"]);
    expect(view.diff.map((d) => d.patch).join("\n")).toContain("+create table summary");
    expect(view.checks).toEqual([{ pipeline: "demo", state: "missing", runId: undefined, tests: {} }]);
    expect(view.verdict.mergeable).toBe(true); // dev asks for no approval nor checks
    expect(view.may).toMatchObject({ see: true, merge: true });
    // Sam (a developer on neither staff) does not see it at all.
    expect((await failure(getMergeRequest(deps, opened.id, f.users.sam))).code).toBe("not_found");

    await commentOnMergeRequest(deps, { id: opened.id, body: "why count(*)?", path: "pipelines/demo/summarise.sql", line: 1 }, f.users.chris);
    expect((await failure(commentOnMergeRequest(deps, { id: opened.id, body: "x", path: "README.md", line: 1 }, f.users.chris))).message).toBe("README.md is not changed by this request");

    const run = await runAtHead(k, "demo", "succeeded");
    const checked = await getMergeRequest(deps, opened.id, f.users.chris);
    expect(checked.checks).toEqual([{ pipeline: "demo", state: "passed", runId: run.id, tests: {} }]);
    expect(checked.comments).toMatchObject([{ body: "why count(*)?", path: "pipelines/demo/summarise.sql", line: 1, author: { name: "Chris" } }]);

    const out = await mergeMergeRequest(deps, { id: opened.id }, f.users.chris);
    expect(out.status).toBe("committed");
    expect(await f.repo.headOf("dev")).toBe(await f.repo.headOf(k));
    const merged = await getMergeRequest(deps, opened.id, f.users.padma);
    expect(merged).toMatchObject({ status: "merged", merged: { by: { name: "Chris" }, commit: out.status === "committed" ? out.commit : "" } });
    expect(events.filter((e) => e.requestId === opened.id).map((e) => e.kind)).toEqual(["merge_request.opened", "merge_request.merged"]);
    expect((await listMergeRequests(deps, { kitchen: "dev" }, f.users.chris)).find((r) => r.id === opened.id)).toMatchObject({ status: "merged", source: k, target: "dev" });
  });

  it("production: refused without a production engineer's approval or with a red check, saying what is missing; stale approvals after a new commit", async () => {
    await save("dev", "pipelines/demo/pipeline.yaml", SUMMARY_PIPELINE.replace("Counts orders.", "Counts orders for production."), f.users.chris);
    const before = await f.repo.headOf("production");
    expect((await failure(mergeKitchen(f.deps, { kitchen: "dev", direction: "up" }, f.users.eric))).message).toMatch(/needs a merge request/);
    const req = await openMergeRequest(deps, { kitchen: "dev", title: "Release" }, f.users.chris);
    const v = await getMergeRequest(deps, req.id, f.users.eric);
    expect(v.verdict.missing).toEqual([
      "needs 1 approval by a production engineer on the latest commit (has 0)",
      "check demo has no run at the latest commit: run it in the source Kitchen",
    ]);
    let e = await failure(mergeMergeRequest(deps, { id: req.id }, f.users.eric));
    expect(e).toMatchObject({ code: "conflict", message: expect.stringContaining("cannot be merged yet: needs 1 approval by a production engineer") });
    // Chris may not approve (author, and not a production engineer); Padma may not merge into production.
    expect((await failure(reviewMergeRequest(deps, { id: req.id, verdict: "approved" }, f.users.chris))).code).toBe("forbidden");
    expect((await failure(mergeMergeRequest(deps, { id: req.id }, f.users.padma))).code).toBe("forbidden");

    await reviewMergeRequest(deps, { id: req.id, verdict: "approved", body: "ship it" }, f.users.eric);
    await runAtHead("dev", "demo", "failed");
    e = await failure(mergeMergeRequest(deps, { id: req.id }, f.users.eric));
    expect(e.message).toBe(`merge request #${req.number} cannot be merged yet: check demo failed: fix it and run it again in the source Kitchen`);

    // A fix: a new commit makes the approval stale and the check missing again.
    await save("dev", "pipelines/demo/summarise.sql", "create table summary as select count(*) as n from orders where true;\n", f.users.chris);
    const stale = await getMergeRequest(deps, req.id, f.users.eric);
    expect(stale.reviews).toMatchObject([{ reviewer: { name: "Eric" }, verdict: "approved", stale: true }]);
    expect(stale.verdict.missing[0]).toBe("needs 1 approval by a production engineer on the latest commit (has 0; 1 stale after new commits)");
    await runAtHead("dev", "demo", "succeeded", 1);
    await reviewMergeRequest(deps, { id: req.id, verdict: "approved" }, f.users.eric);
    expect(await f.repo.headOf("production")).toBe(before);

    const ok = await mergeMergeRequest(deps, { id: req.id }, f.users.eric);
    expect(ok.status).toBe("committed");
    expect(await f.repo.headOf("production")).toBe(await f.repo.headOf("dev"));
    const audit = await f.db.auditLog.findFirstOrThrow({ where: { action: "merge_request.merge" }, orderBy: { id: "desc" }, select: { details: true } });
    expect(audit.details).toMatchObject({ request: req.number, approvedBy: ["Eric"], checks: [{ pipeline: "demo", state: "warned" }] });
  });

  it("closing: by the author; a closed request cannot be merged or reviewed", async () => {
    const k = uniq("mr");
    await createKitchen(f.deps, { name: k, parent: "dev" }, f.users.padma);
    await save(k, "README.md", "# changed\n");
    const req = await openMergeRequest(deps, { kitchen: k, title: "Readme" }, f.users.padma);
    expect((await failure(closeMergeRequest(deps, { id: req.id }, f.users.sam))).code).toBe("not_found");
    await closeMergeRequest(deps, { id: req.id }, f.users.padma);
    expect((await failure(mergeMergeRequest(deps, { id: req.id }, f.users.chris))).message).toMatch(/cannot be merged yet: the request is closed/);
    expect((await failure(reviewMergeRequest(deps, { id: req.id, verdict: "approved" }, f.users.chris))).code).toBe("conflict");
  });

  it("the data diff compares the tables the changed pipelines write, inside the warehouse", async () => {
    const k = uniq("mr");
    await createKitchen(f.deps, { name: k, parent: "dev" }, f.users.padma);
    await save(k, "pipelines/demo/pipeline.yaml", SUMMARY_PIPELINE);
    await save(k, "pipelines/demo/summarise.sql", "create table {{schema}}.region_totals as select 1;\ninsert into fresh_table select 1;\n");
    // What a run would have left: dev has region_totals; the child's differs in 2 rows and has a new table.
    await f.wh.development.query(`
      DROP TABLE IF EXISTS dev.region_totals;
      CREATE TABLE dev.region_totals (region text PRIMARY KEY, total numeric);
      INSERT INTO dev.region_totals VALUES ('north', 10), ('south', 20), ('east', 30);
      CREATE TABLE "${k}".region_totals (region text PRIMARY KEY, total numeric, share numeric);
      INSERT INTO "${k}".region_totals VALUES ('north', 10, 0.2), ('south', 25, 0.5), ('west', 15, 0.3);
      CREATE TABLE "${k}".fresh_table (x int); INSERT INTO "${k}".fresh_table VALUES (1);`);
    const req = await openMergeRequest(deps, { kitchen: k, title: "Totals" }, f.users.padma);
    const d = await requestDataDiff(deps, req.id, f.users.chris);
    const byTable = Object.fromEntries(d.tables.map((t) => [t.table, t]));
    expect(Object.keys(byTable).sort()).toEqual(["fresh_table", "region_totals"]);
    expect(byTable.fresh_table).toMatchObject({ status: "new" });
    expect(byTable.region_totals).toMatchObject({
      status: "compared",
      method: "join",
      rows: { added: 1, removed: 1, changed: 1, unchanged: 1 },
      schema: { added: [{ name: "share", type: "numeric" }], dropped: [], retyped: [] },
    });
    await f.wh.development.query(`DROP TABLE dev.region_totals`);
  });

  it("the data diff matches rows by the key a node declares, and knows a container's tables by its writes", async () => {
    const k = uniq("mr");
    await createKitchen(f.deps, { name: k, parent: "dev" }, f.users.padma);
    // The container's table has no primary key: rows are matched by the declared key (order_id).
    await save(k, "pipelines/keyed/pipeline.yaml", `name: keyed
nodes:
  - id: load
    type: container
    image: galley-runner:latest
    command: [psql, -c, "select 1"]
    writes: [{ table: keyed_orders, key: [order_id] }]
`);
    await f.wh.development.query(`
      DROP TABLE IF EXISTS dev.keyed_orders;
      CREATE TABLE dev.keyed_orders (order_id int, amount numeric);
      INSERT INTO dev.keyed_orders VALUES (1, 10), (2, 20), (3, 30);
      CREATE TABLE "${k}".keyed_orders (order_id int, amount numeric);
      INSERT INTO "${k}".keyed_orders VALUES (1, 10), (2, 21), (4, 40);
      CREATE TABLE "${k}".unrelated (x int);`);
    const req = await openMergeRequest(deps, { kitchen: k, title: "Keyed" }, f.users.padma);
    const d = await requestDataDiff(deps, req.id, f.users.chris);
    // Only the declared table: the container is not opaque, so the Kitchen's other tables stay out.
    expect(d.tables.map((t) => t.table)).toEqual(["keyed_orders"]);
    expect(d.tables[0]).toMatchObject({ status: "compared", key: ["order_id"], rows: { added: 1, removed: 1, changed: 1, unchanged: 1 } });
    await f.wh.development.query(`DROP TABLE dev.keyed_orders`);
  });
});
