import { uniq } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropSchema } from "./catalog";
import { createKitchenSchema } from "./create-kitchen-schema";
import { dropKitchenRole, ensureKitchenRole, kitchenRoleName, readerRoleName } from "./roles";
import { metric, runSql } from "./run-sql";
import { count, scratchWarehouse, seedParent, type ScratchWarehouse } from "./testing/scratch";

let s: ScratchWarehouse;
// Roles are cluster-wide: unique Kitchen names keep parallel runs apart.
const ka = uniq("ka");
const kb = uniq("kb");
const run = (schema: string, sql: string) => runSql(s.wh, { schema, sql, timeoutMs: 10_000 });
const ownerOf = async (schema: string, name: string) =>
  (await s.wh.query<{ o: string }>(`SELECT pg_get_userbyid(c.relowner) AS o FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`, [schema, name])).rows[0]?.o;

beforeAll(async () => {
  s = await scratchWarehouse("roles");
  await seedParent(s.wh, "dev");
  await createKitchenSchema(s.wh, { schema: ka, parentSchema: "dev", policy: { default: "view" }, role: true });
  await createKitchenSchema(s.wh, { schema: kb, parentSchema: "dev", policy: { default: "copy" } });
  await ensureKitchenRole(s.wh, kb, { parentSchema: "dev" });
});
afterAll(async () => {
  for (const k of [ka, kb]) {
    await dropSchema(s.wh, k);
    await dropKitchenRole(s.wh, k);
  }
  await s.cleanup();
});

describe("Kitchen roles", () => {
  it("own their schema and everything in it but the Galley views, which the parent's reader role owns", async () => {
    expect(await ownerOf(ka, "orders")).toBe(readerRoleName("dev", s.name));
    const n = await s.wh.query<{ o: string }>(`SELECT pg_get_userbyid(nspowner) AS o FROM pg_namespace WHERE nspname = $1`, [kb]);
    expect(n.rows[0].o).toBe(kitchenRoleName(kb, s.name));
    expect(await ownerOf(kb, "users")).toBe(kitchenRoleName(kb, s.name));
  });

  it("deny Kitchen A's SQL on Kitchen B's schema and writes to the parent", async () => {
    for (const sql of [`INSERT INTO ${kb}.orders (id, user_id) VALUES (-1, 1)`, `CREATE TABLE ${kb}.sneaky (a int)`, `SELECT count(*) FROM ${kb}.users`, `INSERT INTO dev.orders (user_id) VALUES (1)`]) {
      const err = await run(ka, sql).catch((e) => e);
      expect(err, sql).toMatchObject({ code: "forbidden", details: { sqlstate: "42501" } });
      expect(err.message).toMatch(/permission denied/);
    }
    expect(await count(s.wh, `${kb}.orders`)).toBe(1000);
    expect(await count(s.wh, "dev.orders")).toBe(1000);
  });

  it("an INSERT hidden from copy on first write cannot reach the parent through the view", async () => {
    const err = await run(ka, `DO $$ BEGIN EXECUTE 'INSERT INTO users (id) VALUES (-5)'; END $$`).catch((e) => e);
    expect(err).toMatchObject({ code: "forbidden" });
    expect(await count(s.wh, "dev.users")).toBe(200);
  });

  it("let the Kitchen read through its views, write its own copies, and keep reading after the parent rebuilds", async () => {
    expect(await metric(s.wh, { schema: ka, sql: `SELECT count(*) FROM users` })).toBe(200);
    const w = await run(ka, `INSERT INTO orders (id, user_id) VALUES (-1, 1)`);
    expect(w.materialised).toEqual(["orders"]);
    expect(await ownerOf(ka, "orders")).toBe(kitchenRoleName(ka, s.name));
    const r = await run("dev", `DROP TABLE users; CREATE TABLE users AS SELECT g AS id FROM generate_series(1, 3) g`);
    expect(r.views.recreated).toEqual([`${ka}.users`]);
    expect(await ownerOf(ka, "users")).toBe(readerRoleName("dev", s.name));
    expect(await metric(s.wh, { schema: ka, sql: `SELECT count(*) FROM users` })).toBe(3);
  });

  it("find the parent schema from the Kitchen's Galley views when not told", async () => {
    const name = uniq("kd");
    await createKitchenSchema(s.wh, { schema: name, parentSchema: "dev", policy: { default: "view" } });
    try {
      await ensureKitchenRole(s.wh, name);
      await ensureKitchenRole(s.wh, name); // idempotent
      expect(await ownerOf(name, "big")).toBe(readerRoleName("dev", s.name));
      expect(await metric(s.wh, { schema: name, sql: `SELECT count(*) FROM big` })).toBe(10000);
    } finally {
      await dropSchema(s.wh, name);
      await dropKitchenRole(s.wh, name);
    }
  });

  it("are dropped with the Kitchen", async () => {
    const name = uniq("kc");
    await createKitchenSchema(s.wh, { schema: name, parentSchema: "dev", policy: { default: "view" }, role: true });
    await dropSchema(s.wh, name);
    expect(await dropKitchenRole(s.wh, name)).toEqual({ dropped: true });
    const left = await s.wh.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [kitchenRoleName(name, s.name)]);
    expect(left.rowCount).toBe(0);
  });
});
