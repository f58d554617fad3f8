import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKitchenSchema } from "./create-kitchen-schema";
import { listTables, schemaExists } from "./catalog";
import { count, scratchWarehouse, seedParent, type ScratchWarehouse } from "./testing/scratch";

let prod: ScratchWarehouse;
let dev: ScratchWarehouse;
beforeAll(async () => {
  [prod, dev] = await Promise.all([scratchWarehouse("prod"), scratchWarehouse("dev")]);
  await seedParent(prod.wh, "production");
  await prod.wh.query(`
    CREATE TYPE production.mood AS ENUM ('happy', 'sad');
    CREATE TABLE production.feelings (id int, mood production.mood, tags text[], at timestamptz DEFAULT now());
    INSERT INTO production.feelings SELECT g, CASE WHEN g % 2 = 0 THEN 'happy' ELSE 'sad' END::production.mood, ARRAY['a', 'b'] FROM generate_series(1, 100) g;
    CREATE VIEW production.big_view AS SELECT * FROM production.big WHERE id <= 5000;
  `);
});
afterAll(() => Promise.all([prod?.cleanup(), dev?.cleanup()]));

describe("createKitchenSchema across warehouses (COPY)", () => {
  it("streams sampled, masked data; views stay views over the copies; types the target lacks become text", async () => {
    const r = await createKitchenSchema(dev.wh, {
      schema: "dev",
      parentSchema: "production",
      source: prod.wh,
      policy: {
        default: "view",
        sample: { percent: 10 },
        tables: { orders: { mode: "copy" }, users: { mode: "copy" } },
        masks: { users: { email: { kind: "fake" }, name: { kind: "hash" }, id: { kind: "fake" } }, orders: { user_id: { kind: "fake" } } },
      },
    });
    const byTable = Object.fromEntries(r.tables.map((t) => [t.table, t]));
    expect(byTable.big.mode).toBe("sample");
    expect(byTable.big.rows).toBeGreaterThan(800);
    expect(byTable.big.rows).toBeLessThan(1200);
    expect(await count(dev.wh, "dev.big")).toBe(byTable.big.rows);
    // Issue 9 finding 7: a view stays a view, over the Kitchen's sampled big.
    expect(byTable.big_view.mode).toBe("view");
    expect((await listTables(dev.wh, "dev")).find((t) => t.name === "big_view")?.kind).toBe("view");
    const within = await dev.wh.query<{ n: string; m: string }>(`SELECT count(*) AS n, max(id) AS m FROM dev.big_view`);
    expect(Number(within.rows[0].n)).toBe((await dev.wh.query<{ n: string }>(`SELECT count(*) AS n FROM dev.big WHERE id <= 5000`)).rows.map((x) => Number(x.n))[0]);
    expect(Number(within.rows[0].m)).toBeLessThanOrEqual(5000);
    expect(byTable.orders).toEqual({ table: "orders", mode: "copy", rows: 1000, masked: ["user_id (fake)"] });
    // The report names the masked columns, so the person creating the Kitchen knows.
    expect(byTable.users.masked).toEqual(["email (fake)", "name (hash)", "id (fake)"]);
    expect((await listTables(dev.wh, "dev")).filter((t) => t.kind === "view").map((t) => t.name)).toEqual(["big_view"]);

    const raw = await prod.wh.query<{ email: string }>(`SELECT email FROM production.users`);
    const masked = await dev.wh.query<{ email: string; name: string }>(`SELECT email, name FROM dev.users`);
    const rawEmails = new Set(raw.rows.map((x) => x.email));
    expect(masked.rows.some((m) => rawEmails.has(m.email))).toBe(false);
    expect(masked.rows.every((m) => /^[a-z]+\d+@[a-z]+\.[a-z]+$/.test(m.email) && /^[0-9a-f]{64}$/.test(m.name))).toBe(true);
    const joined = await dev.wh.query<{ n: string }>(`SELECT count(*) AS n FROM dev.orders o JOIN dev.users u ON u.id = o.user_id`);
    expect(Number(joined.rows[0].n)).toBe(1000);

    const types = await dev.wh.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'dev' AND table_name IN ('feelings', 'users')`,
    );
    const t = Object.fromEntries(types.rows.map((x) => [`${x.table_name}.${x.column_name}`, x.data_type]));
    expect(t).toMatchObject({ "feelings.mood": "text", "feelings.tags": "ARRAY", "feelings.at": "timestamp with time zone", "users.id": "integer", "users.name": "text", "users.born": "date" });
    const moods = await dev.wh.query<{ mood: string }>(`SELECT DISTINCT mood FROM dev.feelings ORDER BY mood`);
    expect(moods.rows.map((m) => m.mood).every((m) => m === "happy" || m === "sad")).toBe(true);
  });

  it("a failure while copying leaves no schema in the target", async () => {
    // Views are no longer run to copy them, so the failure comes from a mask the column cannot take.
    await prod.wh.query(`CREATE TABLE production.m_broken AS SELECT id, 1 AS boom FROM production.big`);
    try {
      const policy = { default: "copy" as const, masks: { m_broken: { boom: { kind: "fixed" as const, value: "not a number" } } } };
      const err = await createKitchenSchema(dev.wh, { schema: "dev_fail", parentSchema: "production", source: prod.wh, policy }).catch((e) => e);
      expect(err).toMatchObject({ field: "tables.m_broken" });
      expect(err.message).toMatch(/invalid input syntax for type integer/);
      expect(await schemaExists(dev.wh, "dev_fail")).toBe(false);
      // Both connections are usable afterwards.
      expect(await count(prod.wh, "production.orders")).toBe(1000);
      expect((await dev.wh.ping()).version).toMatch(/PostgreSQL/);
    } finally {
      await prod.wh.query(`DROP TABLE production.m_broken`);
    }
  });
});
