// Finding 3 of issue 9: a parent's SQL nodes rebuilding tables in parallel while a child Kitchen
// holds views of them. Each node runs as its Kitchen's LOGIN role (as the worker does), so its
// view binding spans three transactions; without one lock order they deadlocked every time.
import { uniq } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropSchema } from "./catalog";
import { createKitchenSchema } from "./create-kitchen-schema";
import { dropKitchenRole, ensureKitchenRole, kitchenRoleName } from "./roles";
import { runSql } from "./run-sql";
import { count, scratchWarehouse, type ScratchWarehouse } from "./testing/scratch";
import { captureDependentViews, dropCapturedViews, repairViews, viewsLockKey, type CapturedView } from "./view-binding";
import { asPg, connFromUrl, openWarehouse, type Warehouse } from "./warehouse";

let s: ScratchWarehouse;
const parent = uniq("vbp");
const child = uniq("vbc");
const opened: Warehouse[] = [];
const STAGING = ["stg_orders", "stg_users", "stg_items"];

beforeAll(async () => {
  s = await scratchWarehouse("vbconc");
  await s.wh.query(`CREATE SCHEMA ${parent}; ${STAGING.map((t) => `CREATE TABLE ${parent}.${t} AS SELECT g AS id, 'v' || g AS v FROM generate_series(1, 500) g;`).join("\n")}`);
  // The parent is a Kitchen too (like dev): its nodes log in as its role, which owns its tables.
  await ensureKitchenRole(s.wh, parent, { password: `pw-${parent}` });
  await createKitchenSchema(s.wh, { schema: child, parentSchema: parent, policy: { default: "view" }, role: { password: `pw-${child}` } });
});
afterAll(async () => {
  await Promise.all(opened.map((w) => w.close()));
  for (const k of [child, parent]) {
    await dropSchema(s.wh, k).catch(() => {});
    await dropKitchenRole(s.wh, k).catch(() => {});
  }
  await s.cleanup();
});

function asKitchen(schema: string): Warehouse {
  const w = openWarehouse({ ...connFromUrl(s.url), user: kitchenRoleName(schema, s.name), password: `pw-${schema}` }, { max: 1 });
  opened.push(w);
  return w;
}

const rebuild = (t: string, n: number) => `DROP TABLE IF EXISTS ${t}; CREATE TABLE ${t} AS SELECT g AS id, 'r' || g AS v, now() AS built_at FROM generate_series(1, ${n}) g; SELECT pg_sleep(0.05);`;

describe("parallel SQL nodes restructuring tables a child views", () => {
  it("three staging nodes at once, three runs in a row: all succeed, the child's views follow the new tables", async () => {
    for (let round = 1; round <= 3; round++) {
      const results = await Promise.allSettled(
        STAGING.map((t, i) => runSql(s.wh, { schema: parent, sql: rebuild(t, 100 * round + i), timeoutMs: 20_000, as: asKitchen(parent) })),
      );
      const failures = results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason?.message));
      expect(failures, `round ${round}`).toEqual([]);
      for (const [i, t] of STAGING.entries()) {
        expect(await count(s.wh, `${child}.${t}`)).toBe(100 * round + i);
        // The child's view shows the new column: it was rebound by name, not restored stale.
        const cols = await s.wh.query(`SELECT built_at FROM ${child}.${t} LIMIT 1`);
        expect(cols.rowCount).toBe(1);
      }
    }
  });
});

describe("a node that died with children's views moved aside", () => {
  it("the janitor's repairViews waits while a live node holds the schema's lock, then puts the journaled views back", async () => {
    // What runSql leaves when its worker dies between (1) and (3): views saved in the journal, then dropped.
    const saved: CapturedView[] = await asPg(s.wh).transaction((tx) => captureDependentViews(tx, parent));
    expect(saved.map((v) => v.name).sort()).toEqual([...STAGING].sort());
    await asPg(s.wh).transaction((tx) => dropCapturedViews(tx, saved));
    expect((await s.wh.query(`SELECT 1 FROM pg_views WHERE schemaname = $1`, [child])).rowCount).toBe(0);
    // A live node still holds the lock: the janitor leaves the views to it.
    const held = await asPg(s.wh).sessionLock(viewsLockKey(parent), { wait: false });
    expect(held).not.toBeNull();
    expect(await repairViews(s.wh, parent, saved)).toBeNull();
    await held!.release();
    // Its process is gone (lock free): the janitor restores them, rebound to the current tables.
    const report = await repairViews(s.wh, parent, saved);
    expect(report?.recreated.sort()).toEqual(STAGING.map((t) => `${child}.${t}`).sort());
    for (const t of STAGING) expect(await count(s.wh, `${child}.${t}`)).toBeGreaterThan(0);
    // Idempotent: a second pass has nothing to do.
    expect(await repairViews(s.wh, parent, saved)).toEqual({ recreated: [], lost: [] });
  });
});
