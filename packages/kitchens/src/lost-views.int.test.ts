// Issue 9 finding 4: syncKitchenViews, which brings back children's views that were lost, is
// called: a lost view is recorded (as a worker or the janitor's view repair does) and the
// janitor restores it once the parent has its table, after waiting while it does not.
import { uniq } from "@galley/db/testing";
import { runSql } from "@galley/warehouse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKitchen } from "./create-kitchen";
import { repairOperations } from "./janitor";
import { recordLostViews } from "./lost-views";
import { createKitchenFixture, type KitchenFixture } from "./testing/fixture";

let f: KitchenFixture;
beforeAll(async () => {
  f = await createKitchenFixture();
});
afterAll(() => f?.cleanup());

const relkind = async (schema: string, name: string) =>
  (await f.wh.development.query<{ k: string }>(`SELECT c.relkind::text AS k FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`, [schema, name])).rows[0]?.k ?? null;

describe("lost views of a child Kitchen", () => {
  it("a child's dropped view is restored by the janitor", async () => {
    const name = uniq("child");
    await createKitchen(f.deps, { name, parent: "dev" }, f.users.padma);
    expect(await relkind(name, "orders")).toBe("v");
    await f.wh.development.query(`DROP VIEW "${name}".orders`);
    await recordLostViews(f.db, f.env.development, [{ view: `${name}.orders` }]);
    const report = await repairOperations(f.deps);
    expect(report.finished).toContainEqual(expect.objectContaining({ kind: "views.sync", subject: name, outcome: "done" }));
    expect(await relkind(name, "orders")).toBe("v");
    // It reads the parent's rows, as the child's other views do, and as the Kitchen's role.
    const n = await f.wh.development.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}".orders`);
    expect(n.rows[0].n).toBe((await f.wh.development.query<{ n: number }>(`SELECT count(*)::int AS n FROM dev.orders`)).rows[0].n);
    expect(await f.db.operation.findFirst({ where: { kind: "views.sync", subject: name }, select: { state: true, error: true } })).toEqual({ state: "done", error: null });
  });

  it("a view lost while a parent node restructured its table waits for the table, then comes back", async () => {
    const name = uniq("child");
    await createKitchen(f.deps, { name, parent: "dev" }, f.users.padma);
    await f.wh.development.query(`CREATE TABLE dev.scratch AS SELECT 1 AS x`);
    // A child made after the table exists gets a view of it.
    const later = uniq("child");
    await createKitchen(f.deps, { name: later, parent: "dev" }, f.users.padma);
    expect(await relkind(later, "scratch")).toBe("v");
    // A node in dev drops the table: the child's view cannot be put back, and is reported lost.
    const r = await runSql(f.wh.development, { schema: "dev", sql: "DROP TABLE scratch", timeoutMs: 30_000 });
    expect(r.views.lost.map((l) => l.view)).toContain(`${later}.scratch`);
    expect(await relkind(later, "scratch")).toBeNull();
    await recordLostViews(f.db, f.env.development, r.views.lost);
    // While dev has no such table, the janitor waits (and says why).
    const waiting = await repairOperations(f.deps);
    expect(waiting.finished).toContainEqual(expect.objectContaining({ kind: "views.sync", subject: later, outcome: "retry", error: expect.stringMatching(/waiting for dev to have scratch/) }));
    // A later node makes the table again; the janitor's next try brings the view back.
    await f.wh.development.query(`CREATE TABLE dev.scratch AS SELECT 2 AS x`);
    await f.db.operation.updateMany({ where: { kind: "views.sync", subject: later }, data: { leaseUntil: new Date() } });
    const done = await repairOperations(f.deps);
    expect(done.finished).toContainEqual(expect.objectContaining({ kind: "views.sync", subject: later, outcome: "done" }));
    expect(await relkind(later, "scratch")).toBe("v");
    expect((await f.wh.development.query<{ x: number }>(`SELECT x FROM "${later}".scratch`)).rows).toEqual([{ x: 2 }]);
    // The first child never had a view of it, and gets none: only the views recorded as lost.
    expect(await relkind(name, "scratch")).toBeNull();
  });
});
