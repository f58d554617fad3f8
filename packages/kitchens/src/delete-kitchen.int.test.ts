import { AppError } from "@galley/core";
import { uniq } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKitchen } from "./create-kitchen";
import { deleteKitchen } from "./delete-kitchen";
import type { KitchensDeps } from "./deps";
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

describe("deleteKitchen", () => {
  it("drops schema and branch, keeps the row marked deleted with an audit entry, frees the name", async () => {
    const name = uniq("gone");
    const { kitchen } = await createKitchen(f.deps, { name, parent: "dev" }, f.users.padma);
    const res = await deleteKitchen(f.deps, { name, confirm: name }, f.users.padma);
    expect(res.steps.map((s) => s.step)).toEqual(["check", "branch", "schema", "records"]);
    expect(await traces(f, name)).toEqual({ branch: false, schema: false, role: false, liveRows: 0 });
    const row = await f.db.kitchen.findUniqueOrThrow({ where: { id: kitchen.id }, select: { status: true, deletedAt: true, staff: { select: { userId: true } } } });
    expect(row.status).toBe("deleted");
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect(row.staff).toHaveLength(1); // history stays
    expect(await f.db.auditLog.count({ where: { target: `kitchen:${kitchen.id}`, action: "kitchen.delete" } })).toBe(1);
    const again = await createKitchen(f.deps, { name, parent: "dev" }, f.users.chris);
    expect(again.kitchen.id).not.toBe(kitchen.id);
  });

  it("asks for the name, owners or admins only, never the root, never with children", async () => {
    const name = uniq("guarded");
    await createKitchen(f.deps, { name, parent: "dev", staff: ["chris@galley.test"] }, f.users.padma);
    expect(await failure(deleteKitchen(f.deps, { name, confirm: "yes" }, f.users.padma))).toMatchObject({ code: "invalid_input", field: "confirm" });
    expect((await failure(deleteKitchen(f.deps, { name, confirm: name }, f.users.chris))).code).toBe("forbidden");
    expect((await failure(deleteKitchen(f.deps, { name, confirm: name }, f.users.sam))).code).toBe("forbidden");
    expect(await failure(deleteKitchen(f.deps, { name: "production", confirm: "production" }, f.users.eric))).toMatchObject({ code: "forbidden", message: expect.stringContaining("can never be deleted") });
    const child = uniq("child");
    await createKitchen(f.deps, { name: child, parent: name }, f.users.padma);
    expect(await failure(deleteKitchen(f.deps, { name, confirm: name }, f.users.padma))).toMatchObject({ code: "conflict", details: { children: [child] } });
    await deleteKitchen(f.deps, { name: child, confirm: child }, f.users.ada);
    await deleteKitchen(f.deps, { name, confirm: name }, f.users.ada);
    expect(await traces(f, name)).toEqual({ branch: false, schema: false, role: false, liveRows: 0 });
  });

  it("puts the branch back when the schema cannot be dropped", async () => {
    const name = uniq("stubborn");
    await createKitchen(f.deps, { name, parent: "dev" }, f.users.padma);
    const head = await f.repo.headOf(name);
    const deps: KitchensDeps = { ...f.deps, schemas: { ...f.deps.schemas, drop: async () => { throw new AppError("unavailable", "warehouse went away"); } } };
    const e = await failure(deleteKitchen(deps, { name, confirm: name }, f.users.padma));
    expect(e.details).toMatchObject({ step: "schema", undone: [{ step: "branch", ok: true }] });
    expect(await f.repo.headOf(name)).toBe(head);
    expect(await traces(f, name)).toEqual({ branch: true, schema: true, role: true, liveRows: 1 });
  });

  it("leaves no orphan schema, branch or live row after many create/delete cycles", async () => {
    const branches = (await f.repo.listBranches()).length;
    const schemas = (await userSchemas(f.wh.development)).length;
    const live = await f.db.kitchen.count({ where: { deletedAt: null } });
    const cycles = Number(process.env.KITCHEN_CYCLES ?? 25);
    for (let i = 0; i < cycles; i++) {
      const name = `cycle_${i % 3}`;
      await createKitchen(f.deps, { name, parent: "dev", dataPolicy: i % 5 === 0 ? { default: "copy" } : undefined }, f.users.padma);
      await deleteKitchen(f.deps, { name, confirm: name }, f.users.padma);
    }
    expect((await f.repo.listBranches()).length).toBe(branches);
    expect((await userSchemas(f.wh.development)).length).toBe(schemas);
    expect(await f.db.kitchen.count({ where: { deletedAt: null } })).toBe(live);
    expect(await f.db.kitchen.count({ where: { name: { startsWith: "cycle_" }, status: "deleted" } })).toBe(cycles);
  });
});
