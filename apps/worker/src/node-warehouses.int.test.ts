// Issue 9 finding 10: the pool cache must not leak pools when the warehouse password changes
// while several nodes start at once.
import { createScratchDatabase, createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { createKeyring, generateKek, parseKek } from "@galley/vault";
import { connFromUrl } from "@galley/warehouse";
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
