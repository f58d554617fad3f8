import { AppError } from "@galley/core";
import { uniq } from "@galley/db/testing";
import { createKitchenSchema } from "@galley/warehouse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKitchen } from "./create-kitchen";
import { warehouseSchemas } from "./deps";
import { createKitchenFixture, traces, userSchemas, type KitchenFixture } from "./testing/fixture";

let f: KitchenFixture;
beforeAll(async () => {
  f = await createKitchenFixture();
});
afterAll(() => f?.cleanup());

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => null, (x) => x);
  if (!(e instanceof AppError)) throw new Error(`expected an AppError, got ${e}`);
  return e;
}

async function relkinds(schema: string, wh = f.wh.development): Promise<Record<string, string>> {
  const r = await wh.query<{ relname: string; relkind: string }>(
    `SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r','v') ORDER BY 1`,
    [schema],
  );
  return Object.fromEntries(r.rows.map((x) => [x.relname, x.relkind]));
}

async function count(schema: string, table: string, wh = f.wh.development): Promise<number> {
  return Number((await wh.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."${table}"`)).rows[0].n);
}

describe("createKitchen", () => {
  it("creates branch, views over the parent's schema and rows, with the creator as owner and inherited variables", async () => {
    const name = uniq("padma");
    const { kitchen, report } = await createKitchen(f.deps, { name, parent: "dev", description: "profit work", staff: ["maya@galley.test", "PADMA@galley.test"] }, f.users.padma);
    expect(kitchen).toMatchObject({ name, parent: "dev", environment: "development", branch: name, schema: name });
    expect(report.steps.map((s) => s.step)).toEqual(["check", "branch", "schema", "records"]);
    expect(report.tables.map((t) => [t.table, t.mode])).toEqual([["customers", "view"], ["orders", "view"]]);
    expect(await f.repo.headOf(name)).toBe(await f.repo.headOf("dev"));
    expect(await relkinds(name)).toEqual({ customers: "v", orders: "v" });
    expect(await count(name, "orders")).toBe(await count("dev", "orders"));

    const row = await f.db.kitchen.findFirstOrThrow({
      where: { name, deletedAt: null },
      select: { description: true, isPrivate: true, isPersistent: true, status: true, createdById: true, staff: { select: { userId: true, isOwner: true } }, variables: { select: { name: true, value: true, inheritedFrom: true }, orderBy: { name: "asc" } } },
    });
    expect(row).toMatchObject({ description: "profit work", isPrivate: false, isPersistent: true, status: "active", createdById: f.users.padma.id });
    expect(row.staff.sort((a, b) => Number(b.isOwner) - Number(a.isOwner))).toEqual([{ userId: f.users.padma.id, isOwner: true }, { userId: f.users.maya.id, isOwner: false }]);
    expect(row.variables).toEqual([{ name: "REGION", value: "north", inheritedFrom: "dev" }, { name: "THRESHOLD", value: "10", inheritedFrom: "production" }]);
    const audit = await f.db.auditLog.findFirstOrThrow({ where: { target: `kitchen:${kitchen.id}`, action: "kitchen.create" } });
    expect(audit).toMatchObject({ actorId: f.users.padma.id, details: expect.objectContaining({ name, parent: "dev", environment: "development" }) });
  });

  it("copies tables under a copy policy", async () => {
    const name = uniq("copy");
    const { report } = await createKitchen(f.deps, { name, parent: "dev", dataPolicy: { default: "copy" } }, f.users.chris);
    expect(report.tables).toEqual([{ table: "customers", mode: "copy", rows: 1000 }, { table: "orders", mode: "copy", rows: 5000 }]);
    expect(await relkinds(name)).toEqual({ customers: "r", orders: "r" });
    // A copy is independent of the parent.
    await f.wh.development.query(`DELETE FROM "${name}".orders`);
    expect(await count("dev", "orders")).toBe(5000);
  });

  it("creates empty tables with the parent's columns, and exact row samples", async () => {
    const name = uniq("empty");
    const { report } = await createKitchen(f.deps, { name, parent: "dev", dataPolicy: { default: "empty", tables: { orders: { mode: "sample", sample: { rows: 100 } } } } }, f.users.padma);
    expect(report.tables).toEqual([{ table: "customers", mode: "empty", rows: 0 }, { table: "orders", mode: "sample", rows: 100 }]);
    expect(await relkinds(name)).toEqual({ customers: "r", orders: "r" });
    const cols = await f.wh.development.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'customers' ORDER BY ordinal_position`, [name]);
    expect(cols.rows.map((c) => c.column_name)).toEqual(["id", "name", "email", "region"]);
    expect(await count(name, "orders")).toBe(100);
  });

  it("samples 10% and masks columns on the data itself", async () => {
    const name = uniq("masked");
    const policy = { default: "sample", sample: { percent: 10 }, tables: { orders: { mode: "view" } }, masks: { customers: { email: { kind: "hash" }, name: { kind: "fake" }, region: { kind: "fixed", value: "hidden" } } } };
    const { report } = await createKitchen(f.deps, { name, parent: "dev", dataPolicy: policy }, f.users.padma);
    const customers = report.tables.find((t) => t.table === "customers")!;
    expect(customers.mode).toBe("sample");
    expect(customers.rows).toBeGreaterThan(40);
    expect(customers.rows).toBeLessThan(200);
    expect(report.tables.find((t) => t.table === "orders")?.mode).toBe("view");
    const rows = await f.wh.development.query<{ id: number; name: string; email: string; region: string }>(`SELECT id, name, email, region FROM "${name}".customers ORDER BY id`);
    const originals = await f.wh.development.query<{ id: number; name: string; email: string }>(`SELECT id, name, email FROM dev.customers WHERE id = ANY($1)`, [rows.rows.map((r) => r.id)]);
    const byId = new Map(originals.rows.map((r) => [r.id, r]));
    for (const r of rows.rows) {
      expect(r.email).toMatch(/^[0-9a-f]{64}$/);
      expect(r.region).toBe("hidden");
      const o = byId.get(r.id)!;
      expect(r.name).not.toBe(o.name);
      expect(r.name).toHaveLength(o.name.length);
      expect(r.name).toMatch(/^[A-Z][a-z]+ \d+$/);
    }
  });

  it("uses the environment's policy by default, and the parent's environment", async () => {
    const name = uniq("prodchild");
    const { kitchen, report } = await createKitchen(f.deps, { name, parent: "production" }, f.users.eric);
    expect(kitchen.environment).toBe("production");
    expect(report.tables.map((t) => t.mode)).toEqual(["copy", "copy"]);
    expect(await relkinds(name, f.wh.production)).toEqual({ customers: "r", orders: "r" });
  });

  it("streams across warehouses (production → development): sampled and masked by policy, never views", async () => {
    const name = uniq("across");
    const { kitchen, report } = await createKitchen(
      f.deps,
      { name, parent: "production", environment: "development", dataPolicy: { default: "view", masks: { customers: { email: { kind: "null" } } } } },
      f.users.padma,
    );
    expect(kitchen.environment).toBe("development");
    expect(report.tables.map((t) => t.mode)).toEqual(["sample", "sample"]);
    expect(await relkinds(name)).toEqual({ customers: "r", orders: "r" });
    expect(await userSchemas(f.wh.production)).not.toContain(name);
    const r = await f.wh.development.query<{ n: string; emails: string }>(`SELECT count(*) AS n, count(email) AS emails FROM "${name}".customers`);
    expect(Number(r.rows[0].n)).toBeLessThan(250);
    expect(Number(r.rows[0].emails)).toBe(0);
  });

  it("refuses bad input before touching anything", async () => {
    const cases: [Parameters<typeof createKitchen>[1], keyof typeof f.users, string, string | undefined][] = [
      [{ name: "Bad-Name", parent: "dev" }, "padma", "invalid_input", "name"],
      [{ name: "a".repeat(41), parent: "dev" }, "padma", "invalid_input", "name"],
      [{ name: "dev", parent: "dev" }, "padma", "conflict", "name"],
      [{ name: uniq("k"), parent: "nope" }, "padma", "not_found", "kitchen"],
      [{ name: uniq("k"), parent: "dev" }, "sam", "forbidden", "kitchen"],
      [{ name: uniq("k"), parent: "dev" }, "maya", "forbidden", "environment"],
      [{ name: uniq("k"), parent: "production" }, "padma", "forbidden", "environment"],
      [{ name: uniq("k"), parent: "dev", environment: "nowhere" }, "padma", "invalid_input", "environment"],
      [{ name: uniq("k"), parent: "dev", staff: ["ghost@galley.test"] }, "padma", "invalid_input", "staff.0"],
      [{ name: uniq("k"), parent: "dev", dataPolicy: { default: "everything" } }, "padma", "invalid_input", "dataPolicy.default"],
      [{ name: uniq("k"), parent: "dev", dataPolicy: { default: "copy", masks: { customers: { ssn: { kind: "hash" } } } } }, "padma", "invalid_input", undefined],
    ];
    const before = await f.repo.listBranches();
    for (const [input, who, code, field] of cases) {
      const e = await failure(createKitchen(f.deps, input, f.users[who]));
      expect([input.name, e.code, e.field]).toEqual([input.name, code, field ?? e.field]);
    }
    expect((await f.repo.listBranches()).length).toBe(before.length);
  });

  it("checks the warehouse first: unreachable means 503 at step check and nothing created", async () => {
    await f.db.environment.create({ data: { name: "broken", kind: "development", warehouseHost: "127.0.0.1", warehousePort: 1, warehouseDb: "x", warehouseUser: "x" } });
    const name = uniq("unreach");
    const e = await failure(createKitchen(f.deps, { name, parent: "dev", environment: "broken" }, f.users.padma));
    expect(e.code).toBe("unavailable");
    expect(e.details).toMatchObject({ step: "check", undone: [] });
    expect(e.message).toMatch(/step check: warehouse 127\.0\.0\.1:1\/x is unreachable.*Nothing was created/);
    expect(await traces(f, name)).toEqual({ branch: false, schema: false, role: false, liveRows: 0 });
  });
});
