import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKitchenSchema } from "./create-kitchen-schema";
import { dropSchema, listTables, schemaExists } from "./catalog";
import { dropKitchenRole } from "./roles";
import { runSql } from "./run-sql";
import { count, scratchWarehouse, seedParent, type ScratchWarehouse } from "./testing/scratch";

let s: ScratchWarehouse;
beforeAll(async () => {
  s = await scratchWarehouse("kit");
  await seedParent(s.wh, "dev");
});
afterAll(() => s.cleanup());

describe("createKitchenSchema in one warehouse", () => {
  it("view: zero-copy views marked as Galley views, showing the parent's live rows", async () => {
    const r = await createKitchenSchema(s.wh, { schema: "k_view", parentSchema: "dev", policy: { default: "view" } });
    expect(r.tables.map((t) => [t.table, t.mode])).toEqual([["big", "view"], ["orders", "view"], ["users", "view"]]);
    const tables = await listTables(s.wh, "k_view");
    expect(tables.find((t) => t.name === "orders")).toMatchObject({ kind: "view", viewOf: "dev.orders" });
    const c = await s.wh.query<{ c: string }>(`SELECT obj_description('k_view.orders'::regclass, 'pg_class') AS c`);
    expect(c.rows[0].c).toBe(`galley:view-of "dev"."orders"`);
    expect(await count(s.wh, "k_view.orders")).toBe(1000);
    await s.wh.query(`INSERT INTO dev.big VALUES (-1, 'new')`);
    expect(await count(s.wh, "k_view.big")).toBe(10001);
    await s.wh.query(`DELETE FROM dev.big WHERE id = -1`);
  });

  it("copy: an independent copy, unaffected by later parent changes", async () => {
    const r = await createKitchenSchema(s.wh, { schema: "k_copy", parentSchema: "dev", policy: { default: "copy" } });
    expect(r.tables.find((t) => t.table === "orders")).toEqual({ table: "orders", mode: "copy", rows: 1000 });
    await s.wh.query(`UPDATE dev.orders SET total = 0 WHERE id <= 10; INSERT INTO dev.orders (user_id) VALUES (1)`);
    expect(await count(s.wh, "k_copy.orders")).toBe(1000);
    const z = await s.wh.query<{ n: string }>(`SELECT count(*) AS n FROM k_copy.orders WHERE total = 0`);
    expect(Number(z.rows[0].n)).toBe(0);
    expect((await listTables(s.wh, "k_copy", { exact: true })).find((t) => t.name === "orders")).toMatchObject({ kind: "table", rows: 1000 });
    await s.wh.query(`DELETE FROM dev.orders WHERE id > 1000`);
  });

  it("sample: 10% of a 10,000-row table, or an exact row count", async () => {
    const r = await createKitchenSchema(s.wh, {
      schema: "k_sample",
      parentSchema: "dev",
      policy: { default: "sample", sample: { percent: 10 }, tables: { users: { mode: "sample", sample: { rows: 50 } } } },
    });
    const big = r.tables.find((t) => t.table === "big")!;
    expect(big.rows).toBeGreaterThan(800);
    expect(big.rows).toBeLessThan(1200);
    expect(await count(s.wh, "k_sample.big")).toBe(big.rows);
    expect(await count(s.wh, "k_sample.users")).toBe(50);
  });

  it("empty: same columns, no rows", async () => {
    await createKitchenSchema(s.wh, { schema: "k_empty", parentSchema: "dev", policy: { default: "empty" } });
    expect(await count(s.wh, "k_empty.users")).toBe(0);
    const cols = await s.wh.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'k_empty' AND table_name = 'users' ORDER BY ordinal_position`,
    );
    expect(cols.rows.map((c) => c.column_name)).toEqual(["id", "email", "name", "ssn", "phone", "uid", "born"]);
  });

  it("masks the data: hash, null, fixed and fake; fake keys still join; a masked table is never a view", async () => {
    const r = await createKitchenSchema(s.wh, {
      schema: "k_mask",
      parentSchema: "dev",
      policy: {
        default: "view",
        masks: {
          users: { id: { kind: "fake" }, email: { kind: "fake" }, name: { kind: "hash" }, ssn: { kind: "fixed", value: "XXX-XX-XXXX" }, phone: { kind: "null" }, uid: { kind: "fake" } },
          orders: { user_id: { kind: "fake" } },
        },
      },
    });
    expect(r.tables.map((t) => [t.table, t.mode])).toEqual([["big", "view"], ["orders", "copy"], ["users", "copy"]]);
    const raw = await s.wh.query<Record<string, string>>(`SELECT id, email, name, uid FROM dev.users ORDER BY id`);
    const masked = await s.wh.query<Record<string, string>>(`SELECT id, email, name, ssn, phone, uid FROM k_mask.users`);
    expect(masked.rows).toHaveLength(200);
    const emails = new Set(raw.rows.map((u) => u.email));
    for (const m of masked.rows) {
      expect(emails.has(m.email)).toBe(false);
      expect(m.email).toMatch(/^[a-z]+\d+@[a-z]+\.[a-z]+$/);
      expect(m.ssn).toBe("XXX-XX-XXXX");
      expect(m.phone).toBeNull();
    }
    const hashes = new Set(raw.rows.map((u) => createHash("sha256").update(u.name).digest("hex")));
    expect(masked.rows.every((m) => hashes.has(m.name))).toBe(true);
    // Deterministic: the 200 users share 150 distinct emails, and so do their fakes.
    expect(new Set(masked.rows.map((m) => m.email)).size).toBe(150);
    expect(new Set(masked.rows.map((m) => m.email.length))).toEqual(new Set(raw.rows.map((u) => u.email.length)));
    // Types kept: fake integers stay integers, fake uuids stay uuids.
    const types = await s.wh.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'k_mask' AND table_name = 'users'`,
    );
    expect(Object.fromEntries(types.rows.map((t) => [t.column_name, t.data_type]))).toMatchObject({ id: "integer", uid: "uuid", name: "text", ssn: "character" });
    expect(masked.rows.some((m) => raw.rows.some((u) => u.uid === m.uid))).toBe(false);
    const joined = async (sch: string) =>
      Number((await s.wh.query<{ n: string }>(`SELECT count(*) AS n FROM ${sch}.orders o JOIN ${sch}.users u ON u.id = o.user_id`)).rows[0].n);
    expect(await joined("k_mask")).toBe(await joined("dev"));
    const sameIds = await s.wh.query<{ n: string }>(`SELECT count(*) AS n FROM k_mask.users m JOIN dev.users d ON d.id = m.id`);
    expect(Number(sameIds.rows[0].n)).toBeLessThan(20);
  });

  it("fake integers never collide; fake texts keep shape, empty strings and NULLs", async () => {
    await s.wh.query(`CREATE SCHEMA ints; CREATE TABLE ints.t (k smallint, s text);
      INSERT INTO ints.t SELECT g, NULL FROM generate_series(-32768, 32767) g;
      UPDATE ints.t SET s = CASE k WHEN 1 THEN '' WHEN 2 THEN 'José Ñu-7' WHEN 3 THEN 'AbC.9@x.io' ELSE NULL END WHERE k BETWEEN 1 AND 4`);
    await createKitchenSchema(s.wh, { schema: "k_ints", parentSchema: "ints", policy: { default: "copy", masks: { t: { k: { kind: "fake" }, s: { kind: "fake" } } } } });
    const d = await s.wh.query<{ n: string; lo: number; hi: number }>(`SELECT count(DISTINCT k) AS n, min(k) AS lo, max(k) AS hi FROM k_ints.t`);
    expect(d.rows[0]).toEqual({ n: "65536", lo: -32768, hi: 32767 });
    const texts = await s.wh.query<{ s: string | null }>(`SELECT s FROM k_ints.t WHERE s IS NOT NULL OR k IS NULL ORDER BY length(s)`);
    const [empty, b, a] = texts.rows.map((r) => r.s);
    expect(empty).toBe("");
    expect(a).toMatch(/^[A-Z][a-z][A-Z]\.\d@[a-z]\.[a-z]{2}$/);
    // Non-ASCII letters become lowercase ASCII letters: accents leak nothing.
    expect(b).toMatch(/^[A-Z][a-z]{3} [a-z]{2}-\d$/);
    expect(b).not.toMatch(/[éÑ]/);
    expect(await count(s.wh, "k_ints.t WHERE s IS NULL")).toBe(65536 - 3);
  });

  it("salts masks when asked, so the same value masks differently per salt", async () => {
    const policy = { default: "copy" as const, masks: { users: { email: { kind: "hash" as const } } } };
    await createKitchenSchema(s.wh, { schema: "k_salt", parentSchema: "dev", policy, maskSalt: "pepper" });
    const r = await s.wh.query<{ email: string; raw: string }>(`SELECT m.email, d.email AS raw FROM k_salt.users m JOIN dev.users d USING (id) LIMIT 1`);
    expect(r.rows[0].email).toBe(createHash("sha256").update(`pepper${r.rows[0].raw}`).digest("hex"));
  });

  it("keeps object kinds under every policy: a parent view is a view bound to the child's copies, and the pipeline's CREATE OR REPLACE VIEW works (issue 9 finding 7)", async () => {
    await s.wh.query(`CREATE VIEW dev.big_users AS SELECT u.id, u.email, count(o.id) AS n FROM dev.users u JOIN dev.orders o ON o.user_id = u.id GROUP BY u.id, u.email;
                      CREATE VIEW dev.top_users AS SELECT * FROM dev.big_users WHERE n > 4`);
    try {
      for (const policy of [
        { default: "copy" as const },
        { default: "sample" as const, sample: { percent: 50 } },
        { default: "empty" as const },
        { default: "view" as const, tables: { orders: { mode: "sample" as const, sample: { rows: 10 } } } },
        { default: "view" as const },
      ]) {
        const k = `k_kinds_${policy.default}_${policy.tables ? "mixed" : "all"}`;
        const r = await createKitchenSchema(s.wh, { schema: k, parentSchema: "dev", policy, role: { password: "x" } });
        const kinds = Object.fromEntries((await listTables(s.wh, k)).map((t) => [t.name, t.kind]));
        expect(kinds, JSON.stringify(policy)).toMatchObject({ big_users: "view", top_users: "view", orders: policy.default === "view" && !policy.tables ? "view" : "table" });
        expect(r.tables.find((t) => t.table === "top_users")?.mode).toBe("view");
        // Bound to the child's relations where it has copies: counts follow the child's orders.
        const n = async (rel: string) => Number((await s.wh.query<{ n: string }>(`SELECT coalesce(sum(n), 0) AS n FROM ${rel}`)).rows[0].n);
        const joined = await count(s.wh, `${k}.orders o JOIN ${k}.users u ON u.id = o.user_id`);
        expect(await n(`${k}.big_users`)).toBe(joined);
        if (policy.default !== "view") expect(joined).toBeLessThan(policy.default === "copy" ? 1001 : 1000);
        // The pipeline's own statement runs unchanged in the child, as the Kitchen.
        await runSql(s.wh, { schema: k, sql: `CREATE OR REPLACE VIEW top_users AS SELECT * FROM big_users WHERE n > 5`, timeoutMs: 10_000 });
        expect((await listTables(s.wh, k)).find((t) => t.name === "top_users")?.kind).toBe("view");
        await dropSchema(s.wh, k);
        await dropKitchenRole(s.wh, k);
      }
      await expect(createKitchenSchema(s.wh, { schema: "k_kinds_bad", parentSchema: "dev", policy: { default: "copy", masks: { big_users: { email: { kind: "null" } } } } })).rejects.toMatchObject({
        code: "invalid_input",
        message: expect.stringMatching(/masks "big_users", which is a view: mask the columns of the tables it reads instead/),
      });
    } finally {
      await s.wh.query(`DROP VIEW dev.top_users; DROP VIEW dev.big_users`);
    }
  });

  it("a failure mid-creation leaves no schema behind", async () => {
    const policy = { default: "copy" as const, masks: { users: { born: { kind: "fixed" as const, value: "not a date" } } } };
    const err = await createKitchenSchema(s.wh, { schema: "k_fail", parentSchema: "dev", policy }).catch((e) => e);
    expect(err).toMatchObject({ code: "invalid_input", field: "tables.users" });
    expect(err.message).toMatch(/users.*invalid input syntax for type date/);
    expect(await schemaExists(s.wh, "k_fail")).toBe(false);
  });

  it("refuses an existing schema, a missing parent and a mask on a missing column", async () => {
    await expect(createKitchenSchema(s.wh, { schema: "k_view", parentSchema: "dev", policy: { default: "view" } })).rejects.toMatchObject({ code: "conflict" });
    await expect(createKitchenSchema(s.wh, { schema: "k_x", parentSchema: "nope", policy: { default: "view" } })).rejects.toMatchObject({ code: "not_found" });
    await expect(
      createKitchenSchema(s.wh, { schema: "k_x", parentSchema: "dev", policy: { default: "view", masks: { users: { mail: { kind: "null" } } } } }),
    ).rejects.toMatchObject({ code: "invalid_input" });
    expect(await schemaExists(s.wh, "k_x")).toBe(false);
  });

  it("quotes identifiers with quotes, dots and semicolons in them; names are never interpolated raw", async () => {
    await s.wh.query(`CREATE SCHEMA victim; CREATE TABLE victim.t (a int)`);
    await s.wh.query(`CREATE SCHEMA "we""ird.Parent"; CREATE TABLE "we""ird.Parent"."Or""der s" ("E""mail" text, n int); INSERT INTO "we""ird.Parent"."Or""der s" VALUES ('a@b.c', 1), ('d@e.f', 2)`);
    const evil = `k"; DROP SCHEMA victim CASCADE; --`;
    const r = await createKitchenSchema(s.wh, {
      schema: evil,
      parentSchema: `we"ird.Parent`,
      policy: { default: "view", tables: {}, masks: { [`Or"der s`]: { [`E"mail`]: { kind: "fixed", value: `'); DROP SCHEMA victim CASCADE; --` } } } },
    });
    expect(r.tables).toEqual([{ table: `Or"der s`, mode: "copy", rows: 2, note: expect.any(String), masked: [`E"mail (fixed)`] }]);
    const v = await s.wh.query<{ e: string }>(`SELECT "E""mail" AS e FROM "k""; DROP SCHEMA victim CASCADE; --"."Or""der s"`);
    expect(v.rows.map((x) => x.e)).toEqual([`'); DROP SCHEMA victim CASCADE; --`, `'); DROP SCHEMA victim CASCADE; --`]);
    const view = await createKitchenSchema(s.wh, { schema: `view"of'it`, parentSchema: `we"ird.Parent`, policy: { default: "view" } });
    expect(view.tables[0].mode).toBe("view");
    expect(await listTables(s.wh, `view"of'it`)).toEqual([{ name: `Or"der s`, kind: "view", viewOf: `we"ird.Parent.Or"der s` }]);
    expect(await dropSchema(s.wh, evil)).toEqual({ dropped: true, droppedDependents: [] });
    expect(await dropSchema(s.wh, evil)).toEqual({ dropped: false, droppedDependents: [] });
    expect(await schemaExists(s.wh, "victim")).toBe(true);
  });
});
