// Issue 9 finding 10: the pool cache must not leak pools when the warehouse password changes
// while several nodes start at once.
import { createScratchDatabase, createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { createKeyring, generateKek, parseKek } from "@galley/vault";
import { connFromUrl, openWarehouse } from "@galley/warehouse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeWarehouses } from "./node-warehouses";

let t: TestDatabase;
let wh: { url: string; drop(): Promise<void> };
let envId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  wh = await createScratchDatabase("nwh");
  const c = connFromUrl(wh.url);
  envId = (await t.db.environment.create({ data: { name: "development", kind: "development", warehouseHost: c.host, warehousePort: c.port, warehouseDb: c.database, warehouseUser: c.user }, select: { id: true } })).id;
});
afterAll(async () => {
  await t?.drop();
  await wh?.drop();
});

async function backends(app: string): Promise<number> {
  const c = connFromUrl(wh.url);
  const r = await t.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = '${c.database}' AND application_name = '${app}'`);
  return r[0].n;
}

describe("NodeWarehouses pool cache", () => {
  it("parallel nodes seeing a new password share one new pool, and the old pool is closed", async () => {
    const nw = new NodeWarehouses(t.db, createKeyring(parseKek(generateKek(), "test")), async () => ({}));
    const first = await Promise.all(Array.from({ length: 8 }, () => nw.pool(envId, "one")));
    expect(new Set(first).size).toBe(1);
    await Promise.all(first.map((w) => w.query("SELECT 1")));
    // The password changes (a rotated vault secret): eight nodes start at once.
    const second = await Promise.all(Array.from({ length: 8 }, () => nw.pool(envId, "two")));
    expect(new Set(second).size).toBe(1);
    expect(second[0]).not.toBe(first[0]);
    await Promise.all(second.map((w) => w.query("SELECT pg_sleep(0.05)")));
    expect(nw.poolCount).toBe(1);
    // Only the new pool's connections remain (the old pool was ended; none leaked).
    await new Promise((r) => setTimeout(r, 300));
    expect(await backends("galley-worker")).toBeLessThanOrEqual(4);
    await expect(first[0].query("SELECT 1")).rejects.toThrow();
    await nw.closeAll();
    await new Promise((r) => setTimeout(r, 300));
    expect(await backends("galley-worker")).toBe(0);
  });
});

describe("NodeWarehouses: the Kitchens' pooled logins", () => {
  it("a Kitchen's nodes share one pool logged in as its role; nothing one leaves reaches the next; a new password closes the old pool", async () => {
    const schema = "k_pooled";
    const admin = openWarehouse(connFromUrl(wh.url));
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    const [k1, k2] = [parseKek(generateKek(), "one"), parseKek(generateKek(), "two")];
    const keyring = createKeyring(k1, [k2]);
    const nw = new NodeWarehouses(t.db, keyring, async () => ({}));
    try {
      const first = await Promise.all(Array.from({ length: 8 }, () => nw.asKitchen(envId, schema)));
      expect(new Set(first).size).toBe(1);
      expect(nw.kitchenPoolCount).toBe(1);
      // The Kitchen's own login, never Galley's user.
      const who = await first[0].query<{ u: string; pid: number }>("SELECT current_user AS u, pg_backend_pid() AS pid");
      expect(who.rows[0].u).toMatch(/^galley_k_/);
      // One node leaves session state behind; the next use of the same connection sees none of it.
      await first[0].query("SELECT set_config('galley.leak', 'x', false)");
      await first[0].query("CREATE TEMP TABLE leak (x int)");
      const next = await (await nw.asKitchen(envId, schema)).query<{ s: string | null; t: string | null; pid: number }>(
        "SELECT current_setting('galley.leak', true) AS s, to_regclass('pg_temp.leak')::text AS t, pg_backend_pid() AS pid",
      );
      expect(next.rows[0].pid).toBe(who.rows[0].pid); // reused, not a new login
      expect(next.rows[0].s || null).toBeNull();
      expect(next.rows[0].t).toBeNull();
      // A new key (another password) while nodes start: one new pool, the old one closed.
      keyring.activeKekId = createKeyring(k2).activeKekId;
      const second = await Promise.all(Array.from({ length: 8 }, () => nw.asKitchen(envId, schema)));
      expect(new Set(second).size).toBe(1);
      expect(second[0]).not.toBe(first[0]);
      expect((await second[0].query<{ u: string }>("SELECT current_user AS u")).rows[0].u).toBe(who.rows[0].u);
      expect(nw.kitchenPoolCount).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      await expect(first[0].query("SELECT 1")).rejects.toThrow();
      expect(await backends("galley-worker-node")).toBeLessThanOrEqual(1);
    } finally {
      await nw.closeAll();
      await admin.close();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await backends("galley-worker-node")).toBe(0);
  });
});
