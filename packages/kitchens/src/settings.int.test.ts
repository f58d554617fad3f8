import { AppError } from "@galley/core";
import { uniq } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addKitchenStaff } from "./add-staff";
import { createKitchen } from "./create-kitchen";
import { deleteKitchenVariable } from "./delete-variable";
import { getKitchenDetail } from "./get-kitchen";
import { authorizeGitPush, markBranchesActive } from "./git-push";
import { listKitchenTables } from "./list-tables";
import { removeKitchenStaff } from "./remove-staff";
import { setKitchenVariable } from "./set-variable";
import { createKitchenFixture, type KitchenFixture } from "./testing/fixture";
import { updateKitchen } from "./update-kitchen";

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

describe("Kitchen settings", () => {
  it("shows a Kitchen with variables by source and what the actor may do", async () => {
    const k = uniq("detail");
    await createKitchen(f.deps, { name: k, parent: "dev" }, f.users.padma);
    await setKitchenVariable(f.deps, { kitchen: k, name: "REGION", value: "south" }, f.users.padma);
    await setKitchenVariable(f.deps, { kitchen: k, name: "MINE", value: "1" }, f.users.padma);
    const d = await getKitchenDetail(f.deps, k, f.users.padma);
    expect(d.kitchen).toMatchObject({ name: k, parent: "dev", environment: "development", environmentKind: "development", createdBy: "Padma", staff: [{ email: "padma@galley.test", isOwner: true }] });
    expect(d.variables).toEqual([
      { name: "MINE", value: "1", source: "kitchen", inheritedFrom: null },
      { name: "REGION", value: "south", source: "kitchen", inheritedFrom: null },
      { name: "THRESHOLD", value: "10", source: "inherited", inheritedFrom: "production" },
    ]);
    expect(d).toMatchObject({ canMergeInto: true, canMergeUp: true, canWrite: true, canManage: true, children: [] });
    const dev = await getKitchenDetail(f.deps, "dev", f.users.padma);
    expect(dev).toMatchObject({ canMergeInto: true, canMergeUp: false, canManage: false });
    expect(dev.children).toContain(k);
    await deleteKitchenVariable(f.deps, { kitchen: k, name: "MINE" }, f.users.padma);
    expect((await failure(deleteKitchenVariable(f.deps, { kitchen: k, name: "MINE" }, f.users.padma))).code).toBe("not_found");
    expect((await failure(setKitchenVariable(f.deps, { kitchen: k, name: "1bad", value: "x" }, f.users.padma))).field).toBe("name");
    expect((await failure(setKitchenVariable(f.deps, { kitchen: k, name: "X", value: "x" }, f.users.maya))).code).toBe("forbidden");
  });

  it("hides private Kitchens from non-staff (404) and refuses shared ones (403)", async () => {
    const k = uniq("private");
    await createKitchen(f.deps, { name: k, parent: "dev", isPrivate: true }, f.users.padma);
    expect(await failure(getKitchenDetail(f.deps, k, f.users.sam))).toMatchObject({ code: "not_found", message: `Kitchen ${k} does not exist` });
    expect((await getKitchenDetail(f.deps, "dev", f.users.padma)).children).toContain(k);
    expect((await getKitchenDetail(f.deps, "dev", f.users.chris)).children).not.toContain(k);
    expect((await getKitchenDetail(f.deps, k, f.users.ada)).kitchen.name).toBe(k);
    expect((await failure(getKitchenDetail(f.deps, "dev", f.users.sam))).code).toBe("forbidden");
  });

  it("adds and removes staff (owners and admins only), never the last owner", async () => {
    const k = uniq("staff");
    await createKitchen(f.deps, { name: k, parent: "dev" }, f.users.padma);
    expect(await addKitchenStaff(f.deps, { kitchen: k, email: "Chris@galley.test" }, f.users.padma)).toMatchObject({ added: true, staff: { email: "chris@galley.test", isOwner: false } });
    expect((await addKitchenStaff(f.deps, { kitchen: k, email: "chris@galley.test" }, f.users.padma)).added).toBe(false);
    expect((await failure(addKitchenStaff(f.deps, { kitchen: k, email: "maya@galley.test" }, f.users.chris))).code).toBe("forbidden");
    expect((await failure(addKitchenStaff(f.deps, { kitchen: k, email: "ghost@galley.test" }, f.users.padma))).field).toBe("email");
    await addKitchenStaff(f.deps, { kitchen: k, email: "maya@galley.test" }, f.users.ada);
    expect((await failure(removeKitchenStaff(f.deps, { kitchen: k, userId: f.users.padma.id }, f.users.padma))).code).toBe("conflict");
    await removeKitchenStaff(f.deps, { kitchen: k, userId: f.users.maya.id }, f.users.padma);
    expect((await failure(removeKitchenStaff(f.deps, { kitchen: k, userId: f.users.maya.id }, f.users.padma))).code).toBe("not_found");
    const id = (await f.db.kitchen.findFirstOrThrow({ where: { name: k, deletedAt: null } })).id;
    expect(await f.db.auditLog.findMany({ where: { target: `kitchen:${id}` }, select: { action: true }, orderBy: { id: "asc" } })).toEqual([
      { action: "kitchen.create" }, { action: "kitchen.staff.add" }, { action: "kitchen.staff.add" }, { action: "kitchen.staff.remove" },
    ]);
  });

  it("patches the description", async () => {
    const k = uniq("patch");
    await createKitchen(f.deps, { name: k, parent: "dev" }, f.users.padma);
    await updateKitchen(f.deps, { kitchen: k, description: "new words" }, f.users.padma);
    expect((await getKitchenDetail(f.deps, k, f.users.padma)).kitchen).toMatchObject({ description: "new words" });
  });

  it("lists the Kitchen's tables and views", async () => {
    const k = uniq("tables");
    await createKitchen(f.deps, { name: k, parent: "dev", dataPolicy: { default: "view", tables: { orders: { mode: "copy" } } } }, f.users.padma);
    const { tables } = await listKitchenTables(f.deps, k, f.users.padma);
    expect(tables).toEqual([{ name: "customers", kind: "view", viewOf: "dev.customers" }, expect.objectContaining({ name: "orders", kind: "table" })]);
  });
});

describe("git push authorisation", () => {
  it("allows staff with a writing role, only on Kitchen branches", async () => {
    const k = uniq("push");
    await createKitchen(f.deps, { name: k, parent: "dev", isPrivate: true }, f.users.padma);
    await expect(authorizeGitPush(f.deps, f.users.padma, [k, "dev"])).resolves.toBeUndefined();
    await expect(authorizeGitPush(f.deps, f.users.padma, ["production"])).rejects.toThrow(/production engineers and admins/);
    await expect(authorizeGitPush(f.deps, f.users.eric, ["production"])).resolves.toBeUndefined();
    await expect(authorizeGitPush(f.deps, f.users.chris, [k])).rejects.toThrow(`no Kitchen uses branch ${k}`);
    await expect(authorizeGitPush(f.deps, f.users.maya, ["dev"])).rejects.toThrow(/viewer/);
    await expect(authorizeGitPush(f.deps, f.users.padma, ["feature/new"])).rejects.toThrow("no Kitchen uses branch feature/new");
    const before = await f.db.kitchen.findFirstOrThrow({ where: { name: k, deletedAt: null }, select: { lastActivityAt: true } });
    await markBranchesActive(f.deps, [k]);
    const after = await f.db.kitchen.findFirstOrThrow({ where: { name: k, deletedAt: null }, select: { lastActivityAt: true } });
    expect(after.lastActivityAt.getTime()).toBeGreaterThan(before.lastActivityAt.getTime());
  });
});
