// A failure at each step of createKitchen leaves nothing behind (and never removes what it did
// not create). Failures are real where the world can produce them, and deps overrides otherwise.
import { AppError } from "@galley/core";
import { uniq } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKitchen } from "./create-kitchen";
import type { KitchensDeps } from "./deps";
import { createKitchenFixture, traces, type KitchenFixture } from "./testing/fixture";

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

/** The real repository with some methods replaced. */
function gitWith(overrides: Partial<KitchensDeps["git"]>): KitchensDeps["git"] {
  return Object.assign(Object.create(f.repo), overrides);
}

const nothingLeft = { branch: false, schema: false, role: false, liveRows: 0 };

describe("createKitchen failures", () => {
  it("branch: a branch that already exists is a conflict, and stays untouched", async () => {
    const name = uniq("branchclash");
    const existing = await f.repo.createBranch(name, "production");
    const e = await failure(createKitchen(f.deps, { name, parent: "dev" }, f.users.padma));
    expect(e.code).toBe("conflict");
    expect(e.details).toMatchObject({ step: "branch", undone: [] });
    expect(await f.repo.headOf(name)).toBe(existing);
    expect(await traces(f, name)).toEqual({ ...nothingLeft, branch: true });
  });

  it("branch: an unexpected git failure is a 500 naming the step", async () => {
    const name = uniq("gitdown");
    const deps: KitchensDeps = {
      ...f.deps,
      git: gitWith({
        createBranch: async () => {
          throw new Error("fatal: unable to write new_index file (disk full)");
        },
      }),
    };
    const e = await failure(createKitchen(deps, { name, parent: "dev" }, f.users.padma));
    expect(e.code).toBe("internal");
    expect(e.message).toBe(`creating Kitchen ${name} failed at step branch: unexpected error (see the server log). Nothing was created.`);
    expect(e.message).not.toContain("disk full");
    expect(await traces(f, name)).toEqual(nothingLeft);
  });

  it("schema: a schema that already exists is a conflict; the branch goes, the schema stays", async () => {
    const name = uniq("schemaclash");
    await f.wh.development.query(`CREATE SCHEMA "${name}"; CREATE TABLE "${name}".keep (x int)`);
    const e = await failure(createKitchen(f.deps, { name, parent: "dev" }, f.users.padma));
    expect(e.code).toBe("conflict");
    expect(e.details).toMatchObject({ step: "schema", undone: [{ step: "branch", ok: true }] });
    expect(await traces(f, name)).toEqual({ ...nothingLeft, schema: true });
    expect((await f.wh.development.query(`SELECT 1 FROM "${name}".keep`)).rowCount).toBe(0);
  });

  it("schema: a failure after the warehouse committed still drops the schema", async () => {
    const name = uniq("lostcommit");
    const deps: KitchensDeps = {
      ...f.deps,
      schemas: {
        ...f.deps.schemas,
        create: async (wh, input) => {
          await f.deps.schemas.create(wh, input);
          throw new AppError("unavailable", "connection terminated while committing");
        },
      },
    };
    const e = await failure(createKitchen(deps, { name, parent: "dev" }, f.users.padma));
    expect(e.code).toBe("unavailable");
    expect(e.details).toMatchObject({ step: "schema", undone: [{ step: "schema", ok: true }, { step: "branch", ok: true }] });
    expect(await traces(f, name)).toEqual(nothingLeft);
  });

  it("data: a table that cannot be filled names the step and the table", async () => {
    const name = uniq("badcast");
    const policy = { default: "copy", masks: { customers: { id: { kind: "fixed", value: "not a number" } } } };
    const e = await failure(createKitchen(f.deps, { name, parent: "dev", dataPolicy: policy }, f.users.padma));
    expect(e.code).toBe("invalid_input");
    expect(e.details).toMatchObject({ step: "data" });
    expect(e.field).toBe("tables.customers");
    expect(e.message).toMatch(/step data: filling .*customers/);
    expect(await traces(f, name)).toEqual(nothingLeft);
  });

  it("records: a Kitchen of the same name appearing meanwhile rolls everything back", async () => {
    const name = uniq("race");
    const deps: KitchensDeps = {
      ...f.deps,
      schemas: {
        ...f.deps.schemas,
        create: async (wh, input) => {
          const out = await f.deps.schemas.create(wh, input);
          // Another writer takes the name between our checks and our insert.
          await f.db.kitchen.create({ data: { name, branch: `${name}_other`, schemaName: `${name}_other`, environmentId: f.env.development } });
          return out;
        },
      },
    };
    const e = await failure(createKitchen(deps, { name, parent: "dev" }, f.users.padma));
    expect(e.code).toBe("conflict");
    expect(e.details).toMatchObject({ step: "records", undone: [{ step: "schema", ok: true }, { step: "branch", ok: true }] });
    expect(e.message).toContain(`a Kitchen named ${name} was created meanwhile`);
    const t = await traces(f, name);
    expect(t).toEqual({ branch: false, schema: false, role: false, liveRows: 1 }); // the other writer's row only
    expect(await f.db.kitchenStaff.count({ where: { kitchen: { name, createdById: f.users.padma.id } } })).toBe(0);
  });

  it("records: the parent deleted meanwhile rolls everything back", async () => {
    const parent = uniq("doomed");
    await createKitchen(f.deps, { name: parent, parent: "dev" }, f.users.padma);
    const name = uniq("orphan");
    const deps: KitchensDeps = {
      ...f.deps,
      schemas: {
        ...f.deps.schemas,
        create: async (wh, input) => {
          const out = await f.deps.schemas.create(wh, input);
          await f.db.kitchen.updateMany({ where: { name: parent, deletedAt: null }, data: { deletedAt: new Date(), status: "deleted" } });
          return out;
        },
      },
    };
    const e = await failure(createKitchen(deps, { name, parent }, f.users.padma));
    expect(e.code).toBe("conflict");
    expect(e.details).toMatchObject({ step: "records" });
    expect(e.message).toContain(`Kitchen ${parent} was deleted meanwhile`);
    expect(await traces(f, name)).toEqual(nothingLeft);
  });

  it("reports what it could not undo", async () => {
    const name = uniq("stuck");
    const deps: KitchensDeps = {
      ...f.deps,
      git: gitWith({
        deleteBranch: async () => {
          throw new AppError("unavailable", "repository is read-only");
        },
      }),
      schemas: { ...f.deps.schemas, create: async () => { throw new AppError("invalid_input", "boom"); } },
    };
    const e = await failure(createKitchen(deps, { name, parent: "dev" }, f.users.padma));
    expect(e.details).toMatchObject({ step: "schema", undone: [{ step: "schema", ok: true }, { step: "branch", ok: false, message: "repository is read-only" }] });
    expect(e.message).toContain("Could not undo: branch (repository is read-only)");
    await f.repo.deleteBranch(name);
  });
});
