import { AppError } from "@galley/core";
import { uniq } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { abortMerge } from "./abort-merge";
import { createKitchen } from "./create-kitchen";
import type { KitchenActor } from "./deps";
import { getMerge } from "./get-merge";
import { mergeKitchen, previewMerge } from "./merge-kitchen";
import { resolveMerge } from "./resolve-merge";
import { saveKitchenFile } from "./save-file";
import { createKitchenFixture, type KitchenFixture } from "./testing/fixture";

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

/** A Kitchen under `parent` owned by `who`, with the parent and the child each committing a file. */
async function kitchenUnder(parent: string, who: KitchenActor = f.users.padma): Promise<string> {
  const name = uniq("m");
  await createKitchen(f.deps, { name, parent }, who);
  return name;
}

const save = (kitchen: string, path: string, content: string, who: KitchenActor = f.users.padma) =>
  saveKitchenFile(f.deps, { kitchen, path, content, message: `edit ${path}` }, who);

describe("merges", () => {
  it("merges up cleanly, records the merge and audits it", async () => {
    const parent = await kitchenUnder("dev");
    const k = await kitchenUnder(parent);
    await save(k, "sql/new.sql", "select 2;\n");
    const preview = await previewMerge(f.deps, { kitchen: k, direction: "up" }, f.users.padma);
    expect(preview).toMatchObject({ source: k, target: parent, upToDate: false, fastForward: true, files: [{ path: "sql/new.sql", status: "added" }], conflicts: [] });
    const out = await mergeKitchen(f.deps, { kitchen: k, direction: "up" }, f.users.padma);
    expect(out).toMatchObject({ status: "committed", fastForward: true });
    expect(await f.repo.headOf(parent)).toBe(await f.repo.headOf(k));
    const target = await f.db.kitchen.findFirstOrThrow({ where: { name: parent, deletedAt: null }, select: { id: true } });
    const m = await f.db.merge.findFirstOrThrow({ where: { targetKitchenId: target.id } });
    expect(m).toMatchObject({ status: "committed", resultCommit: out.status === "committed" ? out.commit : "" });
    expect(await f.db.auditLog.count({ where: { target: `kitchen:${target.id}`, action: "merge.commit" } })).toBe(1);
    expect(await mergeKitchen(f.deps, { kitchen: k, direction: "up" }, f.users.padma)).toMatchObject({ status: "committed", upToDate: true });
  });

  it("merges down with a merge commit when both sides moved", async () => {
    const parent = await kitchenUnder("dev");
    const k = await kitchenUnder(parent);
    await save(parent, "sql/parent.sql", "select 'p';\n");
    await save(k, "sql/child.sql", "select 'c';\n");
    const out = await mergeKitchen(f.deps, { kitchen: k, direction: "down", message: "pick up parent work" }, f.users.padma);
    expect(out).toMatchObject({ status: "committed", fastForward: false });
    const files = (await f.repo.listFiles(k)).map((x) => x.path);
    expect(files).toEqual(expect.arrayContaining(["sql/parent.sql", "sql/child.sql"]));
    const [head] = await f.repo.log(k, { limit: 1 });
    expect(head).toMatchObject({ message: "pick up parent work", author: "Padma", parents: expect.any(Array) });
    expect(head.parents).toHaveLength(2);
  });

  it("records conflicts, then resolves them into a merge commit", async () => {
    const parent = await kitchenUnder("dev");
    const k = await kitchenUnder(parent);
    await save(parent, "sql/shared.sql", "select 'parent';\n");
    await save(k, "sql/shared.sql", "select 'child';\n");
    await save(k, "README.md", "# child readme\n");
    expect((await previewMerge(f.deps, { kitchen: k, direction: "up" }, f.users.padma)).conflicts).toEqual([{ path: "sql/shared.sql" }]);
    const out = await mergeKitchen(f.deps, { kitchen: k, direction: "up" }, f.users.padma);
    if (out.status !== "conflicts") throw new Error("expected conflicts");
    expect(out.conflicts).toEqual([
      { path: "sql/shared.sql", base: "select 1;\n", ours: "select 'parent';\n", theirs: "select 'child';\n", merged: expect.stringContaining("<<<<<<<"), isBinary: false },
    ]);
    const parentHead = await f.repo.headOf(parent);
    const view = await getMerge(f.deps, out.mergeId, f.users.padma);
    expect(view).toMatchObject({ status: "open", source: k, target: parent, targetCommit: parentHead });

    expect(await failure(resolveMerge(f.deps, { mergeId: out.mergeId, resolutions: {} }, f.users.padma))).toMatchObject({ code: "invalid_input", field: "resolutions.sql/shared.sql" });
    expect(await failure(resolveMerge(f.deps, { mergeId: out.mergeId, resolutions: { "sql/shared.sql": "x", "README.md": "y" } }, f.users.padma))).toMatchObject({ code: "invalid_input", field: "resolutions.README.md" });
    const done = await resolveMerge(f.deps, { mergeId: out.mergeId, resolutions: { "sql/shared.sql": "select 'both';\n" } }, f.users.padma);
    expect((await f.repo.readFile(parent, "sql/shared.sql")).content).toBe("select 'both';\n");
    expect((await f.repo.readFile(parent, "README.md")).content).toBe("# child readme\n");
    expect(await f.repo.headOf(parent)).toBe(done.commit);
    expect((await getMerge(f.deps, out.mergeId, f.users.padma)).status).toBe("committed");
    expect((await failure(resolveMerge(f.deps, { mergeId: out.mergeId, resolutions: { "sql/shared.sql": "z" } }, f.users.padma))).code).toBe("conflict");
    expect((await failure(abortMerge(f.deps, out.mergeId, f.users.padma))).code).toBe("conflict");
  });

  it("refuses to resolve when the target moved since (409, preview again), and aborts", async () => {
    const parent = await kitchenUnder("dev");
    const k = await kitchenUnder(parent);
    await save(parent, "sql/shared.sql", "select 'parent';\n");
    await save(k, "sql/shared.sql", "select 'child';\n");
    const out = await mergeKitchen(f.deps, { kitchen: k, direction: "down" }, f.users.padma);
    if (out.status !== "conflicts") throw new Error("expected conflicts");
    await save(k, "README.md", "moved on\n");
    const head = await f.repo.headOf(k);
    const e = await failure(resolveMerge(f.deps, { mergeId: out.mergeId, resolutions: { "sql/shared.sql": "x\n" } }, f.users.padma));
    expect(e.code).toBe("conflict");
    expect(e.message).toMatch(/preview the merge again$/);
    expect(await f.repo.headOf(k)).toBe(head);
    expect(await abortMerge(f.deps, out.mergeId, f.users.padma)).toEqual({ status: "aborted" });
    expect(await abortMerge(f.deps, out.mergeId, f.users.padma)).toEqual({ status: "aborted" });
    expect((await getMerge(f.deps, out.mergeId, f.users.padma)).status).toBe("aborted");
  });

  it("lets only staff of the target with the right role merge into it", async () => {
    const k = await kitchenUnder("dev");
    await save(k, "sql/x.sql", "select 3;\n");
    // sam is not on dev's staff; maya is, but as a viewer; padma staffs production but is a developer.
    expect((await failure(mergeKitchen(f.deps, { kitchen: k, direction: "up" }, f.users.sam))).code).toBe("forbidden");
    await f.db.kitchenStaff.create({ data: { kitchen: { connect: { id: (await f.db.kitchen.findFirstOrThrow({ where: { name: k, deletedAt: null } })).id } }, user: { connect: { id: f.users.maya.id } } } });
    expect((await failure(mergeKitchen(f.deps, { kitchen: k, direction: "up" }, f.users.maya))).code).toBe("forbidden");
    const e = await failure(mergeKitchen(f.deps, { kitchen: "dev", direction: "up" }, f.users.padma));
    expect(e).toMatchObject({ code: "forbidden", message: expect.stringContaining("production engineers and admins") });
    expect((await failure(previewMerge(f.deps, { kitchen: k, direction: "up" }, f.users.sam))).code).toBe("forbidden");
    expect((await previewMerge(f.deps, { kitchen: k, direction: "up" }, f.users.chris)).target).toBe("dev");
    expect((await mergeKitchen(f.deps, { kitchen: k, direction: "up" }, f.users.chris)).status).toBe("committed");
    // Eric (production) may merge dev into production, but production ships with "merge requests
    // only": a direct merge is refused with what is needed (packages/merge-requests merges it).
    const before = await f.repo.headOf("production");
    const direct = await failure(mergeKitchen(f.deps, { kitchen: "dev", direction: "up" }, f.users.eric));
    expect(direct).toMatchObject({ code: "forbidden", message: "merging into production needs a merge request with 1 approval(s) and green checks: open one from dev" });
    expect(await f.repo.headOf("production")).toBe(before);
    // With the rule switched off (Settings), the direct merge works.
    await f.db.kitchen.updateMany({ where: { name: "production", deletedAt: null }, data: { mergeRules: { requireRequest: false } } });
    expect((await mergeKitchen(f.deps, { kitchen: "dev", direction: "up" }, f.users.eric)).status).toBe("committed");
    expect(await f.repo.headOf("production")).toBe(await f.repo.headOf("dev"));
    await f.db.kitchen.updateMany({ where: { name: "production", deletedAt: null }, data: { mergeRules: { requireRequest: true, approvals: 1, approvers: "production", mergers: "production", requireGreenChecks: true } } });
    expect((await failure(mergeKitchen(f.deps, { kitchen: "production", direction: "down" }, f.users.eric))).code).toBe("invalid_input");
  });

  it("serialises concurrent merges into one Kitchen: each lands whole, none is lost", async () => {
    const parent = await kitchenUnder("dev");
    const kids = await Promise.all([0, 1, 2, 3].map(() => kitchenUnder(parent)));
    await Promise.all(kids.map((k, i) => save(k, `sql/k${i}.sql`, `select ${i};\n`)));
    const results = await Promise.all(kids.map((k) => mergeKitchen(f.deps, { kitchen: k, direction: "up" }, f.users.padma)));
    expect(results.map((r) => r.status)).toEqual(["committed", "committed", "committed", "committed"]);
    const files = (await f.repo.listFiles(parent)).map((x) => x.path);
    for (let i = 0; i < 4; i++) expect(files).toContain(`sql/k${i}.sql`);
    const log = await f.repo.log(parent, { limit: 20, firstParent: true });
    const commits = results.map((r) => (r.status === "committed" ? r.commit : ""));
    for (const c of commits) expect(log.map((l) => l.sha)).toContain(c);
  });
});
