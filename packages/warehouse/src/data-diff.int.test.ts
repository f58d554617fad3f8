import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffTables, type TableDiff } from "./data-diff";
import { scratchWarehouse, type ScratchWarehouse } from "./testing/scratch";

// One warehouse holds `parent` and `child`; a second warehouse holds a copy of `child`, so the
// same comparison runs through both methods (join, and hash buckets across warehouses).
let one: ScratchWarehouse;
let two: ScratchWarehouse;

const PARENT = `
  CREATE SCHEMA parent;
  CREATE TABLE parent.orders (id integer PRIMARY KEY, customer text, total numeric(10,2), status text, legacy text);
  INSERT INTO parent.orders SELECT g, 'c' || (g % 50), g * 1.25, 'shipped', 'x' FROM generate_series(1, 2000) g;`;
// 20 rows changed (10 in total only, 10 in status and total), 5 removed, 7 added, one column dropped
// and one added, customer retyped to varchar.
const CHILD = `
  CREATE SCHEMA child;
  CREATE TABLE child.orders (id integer PRIMARY KEY, customer varchar(20), total numeric(10,2), status text, region text);
  INSERT INTO child.orders SELECT g, 'c' || (g % 50), g * 1.25, 'shipped', 'eu' FROM generate_series(1, 2000) g WHERE g NOT IN (11, 12, 13, 14, 15);
  UPDATE child.orders SET total = total + 1 WHERE id BETWEEN 100 AND 109;
  UPDATE child.orders SET total = total + 1, status = 'returned' WHERE id BETWEEN 200 AND 209;
  INSERT INTO child.orders SELECT g, 'new', 1, 'open', 'us' FROM generate_series(5001, 5007) g;`;

beforeAll(async () => {
  one = await scratchWarehouse("diff1");
  two = await scratchWarehouse("diff2");
  await one.wh.query(PARENT + CHILD);
  await two.wh.query(CHILD);
});
afterAll(async () => {
  await one?.cleanup();
  await two?.cleanup();
});

function expectTheChanges(d: TableDiff) {
  expect(d.key).toEqual(["id"]);
  expect(d.counts).toEqual({ source: 2002, target: 2000 });
  expect(d.rows).toEqual({ added: 7, removed: 5, changed: 20, unchanged: 1975 });
  expect(d.schema.added).toEqual([{ name: "region", type: "text" }]);
  expect(d.schema.dropped).toEqual([{ name: "legacy", type: "text" }]);
  expect(d.schema.retyped).toEqual([{ name: "customer", from: "text", to: "character varying(20)" }]);
  const col = Object.fromEntries(d.columns.map((c) => [c.name, c.changed]));
  expect(col).toEqual({ customer: 0, total: 20, status: 10 });
  expect(d.columns.find((c) => c.name === "total")!.rate).toBeCloseTo(20 / 1995, 6);
  expect(d.examples.added.length).toBe(5);
  expect(d.examples.added.every((r) => Number(r.id) >= 5001 && Number(r.id) <= 5007 && r.region === "us")).toBe(true);
  expect(d.examples.removed.length).toBe(5);
  expect(d.examples.removed.every((r) => Number(r.id) >= 11 && Number(r.id) <= 15)).toBe(true);
  expect(d.examples.changed.length).toBe(5);
  for (const c of d.examples.changed) {
    expect(c.before.id).toBe(c.after.id);
    expect(Number(c.after.total) - Number(c.before.total)).toBeCloseTo(1);
  }
}

describe("diffTables", () => {
  it("in one warehouse: exact counts, schema changes, column rates and examples by a FULL JOIN", async () => {
    const d = await diffTables({ source: { wh: one.wh, schema: "child", table: "orders" }, target: { wh: one.wh, schema: "parent", table: "orders" } });
    expect(d.method).toBe("join");
    expect(d.exact).toBe(true);
    expectTheChanges(d);
  });

  it("across two warehouses: the same answer through hash buckets", async () => {
    const d = await diffTables({ source: { wh: two.wh, schema: "child", table: "orders" }, target: { wh: one.wh, schema: "parent", table: "orders" } });
    expect(d.method).toBe("buckets");
    expect(d.exact).toBe(true);
    expectTheChanges(d);
  });

  it("across warehouses with a cut sample: counts stay exact, column figures are marked estimated", async () => {
    const d = await diffTables({ source: { wh: two.wh, schema: "child", table: "orders" }, target: { wh: one.wh, schema: "parent", table: "orders" }, sampleChanged: 4 });
    expect(d.rows).toEqual({ added: 7, removed: 5, changed: 20, unchanged: 1975 });
    expect(d.exact).toBe(false);
  });

  it("identical tables: nothing added, removed or changed", async () => {
    const d = await diffTables({ source: { wh: two.wh, schema: "child", table: "orders" }, target: { wh: one.wh, schema: "child", table: "orders" } });
    expect(d.rows).toEqual({ added: 0, removed: 0, changed: 0, unchanged: 2002 });
  });

  it("a missing table or key column is a clear error", async () => {
    await expect(diffTables({ source: { wh: one.wh, schema: "child", table: "nope" }, target: { wh: one.wh, schema: "parent", table: "orders" } })).rejects.toThrow(/table "child"."nope" does not exist/);
    await expect(diffTables({ source: { wh: one.wh, schema: "child", table: "orders" }, target: { wh: one.wh, schema: "parent", table: "orders" }, key: ["region"] })).rejects.toThrow(/key column "region" is not on both sides/);
  });

  it("reads as the given role: a role without SELECT is refused, nothing is read with Galley's rights", async () => {
    await one.wh.query(`DROP ROLE IF EXISTS galley_diff_nobody_${one.name}; CREATE ROLE galley_diff_nobody_${one.name} NOLOGIN`);
    try {
      await expect(
        diffTables({ source: { wh: one.wh, schema: "child", table: "orders", role: `galley_diff_nobody_${one.name}` }, target: { wh: one.wh, schema: "parent", table: "orders", role: `galley_diff_nobody_${one.name}` }, key: ["id"] }),
      ).rejects.toThrow(/permission denied/);
    } finally {
      await one.wh.query(`DROP ROLE galley_diff_nobody_${one.name}`);
    }
  });
});
