import { uniq } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropSchema } from "./catalog";
import { createKitchenSchema } from "./create-kitchen-schema";
import { dropKitchenRole, ensureKitchenRole, kitchenRoleName } from "./roles";
import { runSql } from "./run-sql";
import { count, scratchWarehouse, seedParent, type ScratchWarehouse } from "./testing/scratch";
import { connFromUrl, openWarehouse, type Warehouse } from "./warehouse";

// A Kitchen's SQL runs on a connection logged in AS its role: hostile SQL cannot leave the Kitchen.
let s: ScratchWarehouse;
const ka = uniq("kla");
const kb = uniq("klb");
const asKitchen = new Map<string, Warehouse>();
const run = (schema: string, sql: string) => runSql(s.wh, { schema, sql, timeoutMs: 10_000, as: asKitchen.get(schema) });

beforeAll(async () => {
  s = await scratchWarehouse("klogin");
  await seedParent(s.wh, "dev");
  for (const k of [ka, kb]) {
    await createKitchenSchema(s.wh, { schema: k, parentSchema: "dev", policy: { default: "view" }, role: { password: `pw-${k}` } });
    asKitchen.set(k, openWarehouse({ ...connFromUrl(s.url), user: kitchenRoleName(k, s.name), password: `pw-${k}` }));
  }
});
afterAll(async () => {
  await Promise.all([...asKitchen.values()].map((w) => w.close()));
  for (const k of [ka, kb]) {
    await dropSchema(s.wh, k);
    await dropKitchenRole(s.wh, k);
  }
  await s.cleanup();
});

describe("runSql as the Kitchen's LOGIN role", () => {
  it("the role can log in but has no special attributes", async () => {
    const r = await s.wh.query<Record<string, unknown>>(
      `SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolconnlimit FROM pg_roles WHERE rolname = $1`,
      [kitchenRoleName(ka, s.name)],
    );
    expect(r.rows[0]).toEqual({ rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolinherit: true, rolconnlimit: 20 });
    // A member of nothing: it reads the parent only through its own schema's views.
    const member = await s.wh.query<{ g: string }>(`SELECT b.rolname AS g FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid JOIN pg_roles a ON a.oid = m.member WHERE a.rolname = $1`, [kitchenRoleName(ka, s.name)]);
    expect(member.rows).toEqual([]);
    const who = await asKitchen.get(ka)!.query<{ u: string }>(`SELECT session_user AS u`);
    expect(who.rows[0].u).toBe(kitchenRoleName(ka, s.name));
  });

  it("writes its own schema unqualified, including copy on first write of a Galley view", async () => {
    await run(ka, `CREATE TABLE mine AS SELECT 1 AS x; INSERT INTO mine VALUES (2); UPDATE orders SET total = 0 WHERE id = 1`);
    expect(await count(s.wh, `${ka}.mine`)).toBe(2);
    const kind = await s.wh.query<{ k: string }>(`SELECT c.relkind AS k FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'orders'`, [ka]);
    expect(kind.rows[0].k).toBe("r");
    expect(await count(s.wh, `${ka}.orders`)).toBe(1000);
    // The Kitchen keeps writing what Galley materialised for it.
    await run(ka, `DELETE FROM orders WHERE id > 10`);
    expect(await count(s.wh, `${ka}.orders`)).toBe(10);
    expect(await count(s.wh, `dev.orders`)).toBe(1000);
  });

  it("RESET ROLE gains nothing: another Kitchen's schema is denied", async () => {
    await expect(run(ka, `RESET ROLE; CREATE TABLE ${kb}.x (id int)`)).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/permission denied for schema/) });
    await expect(run(ka, `SET ROLE postgres`)).rejects.toMatchObject({ message: expect.stringMatching(/permission denied to set role|must be member/) });
    await expect(run(ka, `DROP VIEW ${kb}.users`)).rejects.toMatchObject({ code: "forbidden" });
    const x = await s.wh.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'x'`, [kb]);
    expect(x.rowCount).toBe(0);
  });

  it("cannot write the parent (or production) schema", async () => {
    await expect(run(ka, `INSERT INTO dev.orders (user_id) VALUES (1)`)).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/permission denied for (schema dev|table orders)/) });
    await expect(run(ka, `CREATE TABLE dev.y (id int)`)).rejects.toMatchObject({ code: "forbidden" });
    expect(await count(s.wh, `dev.orders`)).toBe(1000);
  });

  it("COPY ... TO PROGRAM is denied", async () => {
    await expect(run(ka, `COPY (SELECT 1) TO PROGRAM 'touch /tmp/galley-pwned'`)).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringMatching(/permission denied to COPY to or from an external program|must be superuser/),
    });
  });

  it("keeps line numbers and children's views", async () => {
    await expect(run(ka, `SELECT 1;\nSELECT nope FROM orders;`)).rejects.toMatchObject({ field: "sql:2" });
    await createKitchenSchema(s.wh, { schema: `${ka}_c`, parentSchema: ka, policy: { default: "view" }, role: { password: "c" } });
    try {
      const r = await run(ka, `DROP TABLE mine; CREATE TABLE mine AS SELECT 5 AS x`);
      expect(r.views.recreated).toContain(`${ka}_c.mine`);
      expect(await count(s.wh, `${ka}_c.mine`)).toBe(1);
    } finally {
      await dropSchema(s.wh, `${ka}_c`);
      await dropKitchenRole(s.wh, `${ka}_c`);
    }
  });

  it("a child granted before its parent had a role still reads the tables the parent's role creates", async () => {
    const parent = uniq("klp");
    const child = uniq("klc");
    await s.wh.query(`CREATE SCHEMA "${parent}"; CREATE TABLE "${parent}".t AS SELECT 1 AS x`);
    await createKitchenSchema(s.wh, { schema: child, parentSchema: parent, policy: { default: "view" }, role: { password: "c" } });
    await ensureKitchenRole(s.wh, parent, { password: "p" });
    const asParent = openWarehouse({ ...connFromUrl(s.url), user: kitchenRoleName(parent, s.name), password: "p" });
    const asChild = openWarehouse({ ...connFromUrl(s.url), user: kitchenRoleName(child, s.name), password: "c" });
    try {
      await runSql(s.wh, { schema: parent, sql: `DROP TABLE t; CREATE TABLE t AS SELECT 2 AS x`, timeoutMs: 10_000, as: asParent });
      expect((await asChild.query<{ x: number }>(`SELECT x FROM "${child}".t`)).rows).toEqual([{ x: 2 }]);
    } finally {
      await Promise.all([asParent.close(), asChild.close()]);
      for (const k of [child, parent]) {
        await dropSchema(s.wh, k);
        await dropKitchenRole(s.wh, k);
      }
    }
  });
});
