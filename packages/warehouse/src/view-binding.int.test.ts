import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createKitchenSchema } from "./create-kitchen-schema";
import { dropSchema, listTables } from "./catalog";
import { prepareDeclaredWrites, prepareWrite } from "./prepare-write";
import { runSql } from "./run-sql";
import { syncKitchenViews } from "./sync-kitchen-views";
import { count, scratchWarehouse, seedParent, type ScratchWarehouse } from "./testing/scratch";
import { withDependentViewsPreserved } from "./view-binding";

let s: ScratchWarehouse;
const view = { default: "view" as const };
const run = (schema: string, sql: string) => runSql(s.wh, { schema, sql, timeoutMs: 10_000 });
const kindOf = async (schema: string, name: string) => (await listTables(s.wh, schema)).find((t) => t.name === name)?.kind;

beforeAll(async () => {
  s = await scratchWarehouse("bind");
});
afterAll(() => s.cleanup());
beforeEach(async () => {
  for (const sch of ["dev", "padma", "padma_kid"]) await dropSchema(s.wh, sch);
  await seedParent(s.wh, "dev");
  await createKitchenSchema(s.wh, { schema: "padma", parentSchema: "dev", policy: view });
});

describe("parent pipelines and child views", () => {
  it("parent rebuilds a table (DROP + CREATE): no failure, the child's view sees the new data", async () => {
    await run("padma", `CREATE VIEW report AS SELECT count(*) AS n FROM orders`);
    const r = await run("dev", `DROP TABLE orders;\nCREATE TABLE orders AS SELECT g AS id, 1 AS user_id, 2.5 AS total, 'new' AS note FROM generate_series(1, 7) g;`);
    expect(r.views.lost).toEqual([]);
    expect(r.views.recreated).toEqual(["padma.orders", "padma.report"]);
    expect(await count(s.wh, "padma.orders")).toBe(7);
    const cols = await s.wh.query<{ note: string }>(`SELECT note FROM padma.orders LIMIT 1`);
    expect(cols.rows[0].note).toBe("new");
    const rep = await s.wh.query<{ n: string }>(`SELECT n FROM padma.report`);
    expect(Number(rep.rows[0].n)).toBe(7);
    expect((await listTables(s.wh, "padma")).find((t) => t.name === "orders")?.viewOf).toBe("dev.orders");
  });

  it("rebinds a grandchild chain and views dropped by a CASCADE hidden in dynamic SQL", async () => {
    await createKitchenSchema(s.wh, { schema: "padma_kid", parentSchema: "padma", policy: view });
    const r = await run("dev", `DO $$ BEGIN EXECUTE 'DROP TABLE users CASCADE'; EXECUTE 'CREATE TABLE users AS SELECT 1 AS id'; END $$`);
    // Dynamic SQL hides what it restructures: every dependent view is moved aside and rebound.
    expect(r.views.recreated).toEqual(expect.arrayContaining(["padma.users", "padma_kid.users", "padma.orders", "padma_kid.orders"]));
    expect(r.views.lost).toEqual([]);
    expect(await count(s.wh, "padma_kid.users")).toBe(1);
    // Deleting a Kitchen that still has children says what its CASCADE took from them.
    expect(await dropSchema(s.wh, "padma")).toEqual({ dropped: true, droppedDependents: ["padma_kid.big", "padma_kid.orders", "padma_kid.users"] });
  });

  it("parent drops a table entirely: the child's view is reported lost, and comes back with syncKitchenViews", async () => {
    const r = await run("dev", `DROP TABLE big`);
    expect(r.views.lost).toEqual([{ view: "padma.big", reason: expect.stringMatching(/"dev"?\.?"?big"? does not exist/) }]);
    expect(await kindOf("padma", "big")).toBeUndefined();
    await run("dev", `CREATE TABLE big AS SELECT 1 AS id`);
    expect(await syncKitchenViews(s.wh, { schema: "padma", parentSchema: "dev", policy: view })).toEqual({ created: ["big"] });
    expect(await count(s.wh, "padma.big")).toBe(1);
  });

  it("plain inserts into the parent leave child views alone", async () => {
    const r = await run("dev", `INSERT INTO orders (user_id, total) VALUES (1, 1)`);
    expect(r.views).toEqual({ recreated: [], lost: [] });
    expect(r.rowCounts).toEqual([1]);
    expect(await count(s.wh, "padma.orders")).toBe(1001);
  });

  it("withDependentViewsPreserved works on its own", async () => {
    const { result, views } = await withDependentViewsPreserved(s.wh, "dev", async (tx) => {
      await tx.query(`ALTER TABLE dev.orders DROP COLUMN total`);
      return "done";
    }, { tables: ["orders"] });
    expect(result).toBe("done");
    expect(views.recreated).toEqual(["padma.orders"]);
    const cols = await s.wh.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'padma' AND table_name = 'orders'`);
    expect(cols.rows.map((c) => c.column_name).sort()).toEqual(["id", "user_id"]);
    const all = await withDependentViewsPreserved(s.wh, "dev", (tx) => tx.query(`DROP TABLE dev.users`));
    expect(all.views.recreated).toEqual(["padma.big", "padma.orders"]);
    expect(all.views.lost).toEqual([{ view: "padma.users", reason: expect.stringContaining("does not exist") }]);
  });
});

describe("copy on first write", () => {
  it("the child's first write materialises the view; the parent is unchanged", async () => {
    const r = await run("padma", `INSERT INTO orders (id, user_id, total) VALUES (-1, 1, 9);\nUPDATE orders SET total = 0 WHERE id BETWEEN 1 AND 10;\nDELETE FROM "orders" WHERE id = 11;`);
    expect(r.materialised).toEqual(["orders"]);
    expect(r.rowCounts).toEqual([1, 10, 1]);
    expect(await kindOf("padma", "orders")).toBe("table");
    expect(await count(s.wh, "padma.orders")).toBe(1000);
    expect(await count(s.wh, "dev.orders")).toBe(1000);
    const zero = await s.wh.query<{ n: string }>(`SELECT count(*) AS n FROM dev.orders WHERE total = 0`);
    expect(Number(zero.rows[0].n)).toBe(0);
    // Still a view: the tables the SQL did not write.
    expect(await kindOf("padma", "users")).toBe("view");
    const again = await run("padma", `INSERT INTO orders (id, user_id) VALUES (-2, 1)`);
    expect(again.materialised).toEqual([]);
  });

  it("drop-and-recreate in the child skips copying rows nobody reads", async () => {
    const r = await run("padma", `DROP TABLE IF EXISTS big;\nCREATE TABLE big AS SELECT 42 AS answer;`);
    expect(r.materialised).toEqual(["big"]);
    expect(await count(s.wh, "padma.big")).toBe(1);
    expect(await count(s.wh, "dev.big")).toBe(10000);
  });

  it("materialising keeps the child's own views and a grandchild's views working", async () => {
    await run("padma", `CREATE VIEW mine AS SELECT * FROM users WHERE id < 10`);
    await createKitchenSchema(s.wh, { schema: "padma_kid", parentSchema: "padma", policy: view });
    const r = await run("padma", `DELETE FROM users WHERE id = 1`);
    expect(r.materialised).toEqual(["users"]);
    expect(r.views.lost).toEqual([]);
    expect(await count(s.wh, "padma.mine")).toBe(8);
    expect(await count(s.wh, "padma_kid.users")).toBe(199);
    expect(await count(s.wh, "dev.users")).toBe(200);
  });

  it("a container's declared writes become the Kitchen's tables with the parent's rows; the rest stay views", async () => {
    await createKitchenSchema(s.wh, { schema: "padma_kid", parentSchema: "padma", policy: view });
    const r = await prepareDeclaredWrites(s.wh, "padma", ["orders", "not_there"]);
    expect(r.materialised).toEqual(["orders"]);
    expect(r.views.lost).toEqual([]);
    expect(await kindOf("padma", "orders")).toBe("table");
    expect(await count(s.wh, "padma.orders")).toBe(1000);
    expect(await kindOf("padma", "users")).toBe("view");
    // The grandchild's view now shows padma's own table, and a second call changes nothing.
    expect((await listTables(s.wh, "padma_kid")).find((t) => t.name === "orders")?.viewOf).toBe("padma.orders");
    expect((await prepareDeclaredWrites(s.wh, "padma", ["orders"])).materialised).toEqual([]);
  });

  it("prepareWrite alone turns written views into tables and unmarks replaced views", async () => {
    const r = await prepareWrite(s.wh, "padma", `TRUNCATE orders; CREATE OR REPLACE VIEW users AS SELECT * FROM dev.users WHERE id > 100; SELECT * FROM big`);
    expect(r).toMatchObject({ materialised: [], emptied: ["orders"], unmarked: ["users"] });
    expect(await count(s.wh, "padma.orders")).toBe(0);
    expect(await count(s.wh, "dev.orders")).toBe(1000);
    expect(await prepareWrite(s.wh, "padma", `SELECT count(*) FROM big; TRUNCATE big`)).toMatchObject({ materialised: ["big"], emptied: [] });
    const t = await listTables(s.wh, "padma");
    expect(t.map((x) => [x.name, x.kind, x.viewOf ?? null])).toEqual([
      ["big", "table", null],
      ["orders", "table", null],
      ["users", "view", null],
    ]);
  });
});
