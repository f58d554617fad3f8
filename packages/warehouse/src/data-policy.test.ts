import { describe, expect, it } from "vitest";
import { parseDataPolicy, planTables, type ParentRelation } from "./data-policy";
import { classifyType, fillSelect, isSafeTypeName, maskedType, maskExpression, type Capabilities } from "./select-builder";

const parent: ParentRelation[] = [
  { name: "orders", columns: [{ name: "id", type: "integer" }, { name: "total", type: "numeric(10,2)" }] },
  { name: "users", columns: [{ name: "id", type: "integer" }, { name: "email", type: "text" }] },
  { name: "events", columns: [{ name: "at", type: "timestamp with time zone" }] },
];
const pg: Capabilities = { redshift: false, hash: "sha256" };

describe("parseDataPolicy", () => {
  it("accepts a full policy", () => {
    const p = parseDataPolicy({
      default: "view",
      sample: { percent: 5 },
      tables: { events: { mode: "sample", sample: { rows: 1000 } } },
      masks: { users: { email: { kind: "fake" }, id: { kind: "fixed", value: "0" } } },
    });
    expect(p.tables?.events.sample?.rows).toBe(1000);
  });

  it("rejects bad modes, percentages, masks and unknown keys with the field path", () => {
    expect(() => parseDataPolicy({ default: "clone" })).toThrow(/policy\.default/);
    expect(() => parseDataPolicy({ default: "sample", sample: { percent: 0 } })).toThrow(/policy\.sample\.percent/);
    expect(() => parseDataPolicy({ default: "sample", sample: {} })).toThrow(/percent or rows/);
    expect(() => parseDataPolicy({ default: "copy", masks: { t: { c: { kind: "fixed" } } } })).toThrow(/fixed mask needs a value/);
    expect(() => parseDataPolicy({ default: "copy", masks: { t: { c: { kind: "encrypt" } } } })).toThrow(/policy\.masks\.t\.c\.kind/);
    expect(() => parseDataPolicy({ default: "copy", extra: 1 })).toThrow(/invalid_input|Unrecognized/i);
  });
});

describe("planTables", () => {
  it("uses the default, per-table overrides and the default sample", () => {
    const plans = planTables(parseDataPolicy({ default: "view", tables: { orders: { mode: "sample" }, events: { mode: "empty" } } }), parent);
    expect(plans.map((p) => [p.table, p.mode, p.sample])).toEqual([
      ["orders", "sample", { percent: 10 }],
      ["users", "view", undefined],
      ["events", "empty", undefined],
    ]);
  });

  it("never leaves a masked table as a view", () => {
    const masks = { users: { email: { kind: "hash" as const } } };
    expect(planTables({ default: "view", masks }, parent)[1]).toMatchObject({ mode: "copy", masks: masks.users });
    expect(planTables({ default: "view", sample: { percent: 20 }, masks }, parent)[1]).toMatchObject({ mode: "sample", sample: { percent: 20 } });
  });

  it("samples instead of viewing across warehouses, keeping explicit copies", () => {
    const plans = planTables({ default: "view", tables: { orders: { mode: "copy" } } }, parent, { crossWarehouse: true });
    expect(plans.map((p) => p.mode)).toEqual(["copy", "sample", "sample"]);
  });

  it("keeps views as views under every policy, rebinding them when the child copies (issue 9 finding 7)", () => {
    const withView = [...parent, { name: "v", relkind: "v", columns: [{ name: "id", type: "integer" }] }];
    for (const d of ["copy", "sample", "empty"] as const) {
      expect(planTables({ default: d }, withView).find((p) => p.table === "v")).toEqual({ table: "v", mode: "view", masks: {}, rebind: true });
    }
    expect(planTables({ default: "view" }, withView).find((p) => p.table === "v")).toEqual({ table: "v", mode: "view", masks: {} });
    expect(planTables({ default: "view" }, withView, { crossWarehouse: true }).find((p) => p.table === "v")).toMatchObject({ mode: "view", rebind: true });
    expect(() => planTables({ default: "copy", masks: { v: { id: { kind: "null" } } } }, withView)).toThrow(/masks "v", which is a view/);
  });

  it("fails closed on masks naming a missing table or column", () => {
    expect(() => planTables({ default: "copy", masks: { user: { email: { kind: "null" } } } }, parent)).toThrow(/masks table "user"/);
    expect(() => planTables({ default: "copy", masks: { users: { mail: { kind: "null" } } } }, parent)).toThrow(/"users"."mail"/);
  });
});

describe("select builder", () => {
  const rel = { schema: "dev", name: "users", relkind: "r", columns: parent[1].columns };

  it("selects * without masks and masked expressions with them", () => {
    expect(fillSelect(rel, { mode: "copy", masks: {} }, pg)).toBe(`SELECT * FROM "dev"."users"`);
    const sql = fillSelect(rel, { mode: "copy", masks: { email: { kind: "hash" } } }, pg);
    expect(sql).toBe(`SELECT "id", encode(sha256(convert_to(CAST("email" AS text), 'UTF8')), 'hex') AS "email" FROM "dev"."users"`);
    expect(fillSelect(rel, { mode: "copy", masks: { email: { kind: "hash" } } }, { redshift: false, hash: "md5" })).toContain(`md5(CAST("email" AS text))`);
  });

  it("samples tables with TABLESAMPLE, views and Redshift with random(), rows with ORDER BY random()", () => {
    expect(fillSelect(rel, { mode: "sample", sample: { percent: 10 }, masks: {} }, pg)).toBe(`SELECT * FROM "dev"."users" TABLESAMPLE BERNOULLI (10)`);
    expect(fillSelect({ ...rel, relkind: "v" }, { mode: "sample", sample: { percent: 10 }, masks: {} }, pg)).toBe(`SELECT * FROM "dev"."users" WHERE random() < 0.1`);
    expect(fillSelect(rel, { mode: "sample", sample: { percent: 50, rows: 7 }, masks: {} }, { redshift: true, hash: "sha2" })).toBe(
      `SELECT * FROM "dev"."users" WHERE random() < 0.5 ORDER BY random() LIMIT 7`,
    );
  });

  it("quotes literals and identifiers in masks and keeps column types", () => {
    const col = { name: `we"ird`, type: "character varying(20)" };
    expect(maskExpression(col, { kind: "fixed", value: `x'); DROP TABLE t; --` }, pg)).toBe(`CAST('x''); DROP TABLE t; --' AS character varying(20))`);
    expect(maskExpression(col, { kind: "null" }, pg)).toBe(`CAST(NULL AS character varying(20))`);
    expect(maskExpression({ name: "n", type: `evil) AS x, (SELECT 1` }, { kind: "null" }, pg)).toBe(`NULL`);
    expect(maskExpression(col, { kind: "hash" }, pg, "s'alt")).toContain(`'s''alt' || CAST("we""ird" AS text)`);
  });

  it("classifies types and knows the type a mask leaves", () => {
    expect(["text", "character varying(3)", "bigint", "numeric(5,2)", "uuid", "date", "text[]"].map(classifyType)).toEqual([
      "string",
      "string",
      "int",
      "decimal",
      "uuid",
      "other",
      "other",
    ]);
    expect(isSafeTypeName(`public."my ""type"""`)).toBe(true);
    expect(isSafeTypeName(`timestamp(3) with time zone[]`)).toBe(true);
    expect(isSafeTypeName(`int; DROP`)).toBe(false);
    expect(maskedType({ name: "a", type: "integer" }, { kind: "hash" })).toBe("text");
    expect(maskedType({ name: "a", type: "integer" }, { kind: "fake" })).toBe("integer");
    expect(maskedType({ name: "a", type: "date" }, { kind: "fake" })).toBe("text");
    expect(() => maskExpression({ name: "a", type: "text" }, { kind: "fake" }, { redshift: true, hash: "sha2" })).toThrow(/PostgreSQL/);
  });
});
