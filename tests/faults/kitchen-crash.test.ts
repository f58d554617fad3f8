// Issue 9, findings 1 and 2 and "Durable multi-step operations": the process running a Kitchen
// use case is killed (SIGKILL, through GALLEY_CRASH_AT) at each named step of creating, deleting
// and merging; then the janitor runs. Nothing may be left half-done: no orphan branch, schema,
// role or row, the operation finished or undone, and the name usable again.
import { spawn } from "node:child_process";
import path from "node:path";
import { uniq } from "@galley/db/testing";
import { createKitchen, deleteKitchen, repairOperations, type KitchenActor } from "@galley/kitchens";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKitchenFixture, traces, type KitchenFixture } from "../../packages/kitchens/src/testing/fixture";

const ROOT = path.resolve(import.meta.dirname, "../..");
const LEASE_MS = 1000;
let f: KitchenFixture;

beforeAll(async () => {
  f = await createKitchenFixture();
});
afterAll(() => f?.cleanup());

/** Runs the use case in another process that kills itself at `point`; resolves with how it ended. */
function runUseCase(use: "create" | "delete" | "merge", input: object, actor: KitchenActor, point?: string): Promise<{ signal: string | null; code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "tests/faults/helpers/kitchen-use-case.ts"), JSON.stringify({ use, input, actor, dbUrl: f.dbUrl, repoDir: f.repoDir, kek: f.kek, leaseMs: LEASE_MS })], {
      cwd: ROOT,
      env: { ...process.env, ...(point ? { GALLEY_CRASH_AT: point } : {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    // SIGTERM, so a hung child is never mistaken for one that crashed where it was told to.
    const timer = setTimeout(() => child.kill("SIGTERM"), 150_000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    });
  });
}

/** The janitor after the dead process's lease ran out. */
async function janitor() {
  await new Promise((r) => setTimeout(r, LEASE_MS + 300));
  return repairOperations(f.deps);
}

async function operationsOf(subject: string) {
  return f.db.operation.findMany({ where: { subject }, select: { kind: true, state: true, step: true, error: true }, orderBy: { createdAt: "asc" } });
}

/** Three child processes at a time: enough overlap to be quick, not enough to starve 2 cores. */
async function inBatches<T>(items: T[], fn: (x: T) => Promise<void>, size = 3): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const nothingLeft = { branch: false, schema: false, role: false, liveRows: 0 };
const CREATE_POINTS = ["branch", "branch:done", "schema", "schema:done", "records"];
const DELETE_POINTS = ["branch", "branch:done", "schema", "schema:done", "role", "role:done", "records"];

// Each use case is killed at every point at once (distinct names, in parallel), then one janitor
// pass repairs them all: the suite stays bounded in time.
describe("killing the process creating a Kitchen", () => {
  const names = new Map(CREATE_POINTS.map((p) => [p, uniq("crc")]));
  const mid = new Map<string, { signal: string | null; out: string; ops: unknown; reserved: unknown }>();
  let report: Awaited<ReturnType<typeof janitor>>;
  beforeAll(async () => {
    await inBatches(
      CREATE_POINTS, async (point) => {
        const name = names.get(point)!;
        const r = await runUseCase("create", { name, parent: "dev" }, f.users.padma, `kitchen.create:${point}`);
        // While it is unfinished the name is reserved, not half-usable.
        const reserved = await createKitchen(f.deps, { name, parent: "dev" }, f.users.padma).then(() => "created", (e) => e.code);
        mid.set(point, { signal: r.signal, out: r.out, ops: await operationsOf(name), reserved });
      });
    report = await janitor();
  }, 600_000);

  for (const point of CREATE_POINTS) {
    it(`at kitchen.create:${point}: the janitor undoes it and the name is usable again`, async () => {
      const name = names.get(point)!;
      const m = mid.get(point)!;
      expect(m.signal, m.out).toBe("SIGKILL");
      expect(m.ops).toMatchObject([{ kind: "kitchen.create", state: "running" }]);
      expect(m.reserved).toBe("conflict");
      expect(report.finished).toContainEqual(expect.objectContaining({ kind: "kitchen.create", subject: name, outcome: "undone" }));
      expect(await traces(f, name)).toEqual(nothingLeft);
      expect(await operationsOf(name)).toMatchObject([{ state: "undone", error: expect.stringContaining(`stopped at step ${point.replace(":done", "")}`) }]);
      const again = await createKitchen(f.deps, { name, parent: "dev" }, f.users.padma);
      expect(again.kitchen.name).toBe(name);
      expect(await traces(f, name)).toEqual({ branch: true, schema: true, role: true, liveRows: 1 });
    });
  }

  it("after the records committed (kitchen.create:records:done) the Kitchen is whole and nothing is undone", async () => {
    const name = uniq("crd");
    const r = await runUseCase("create", { name, parent: "dev" }, f.users.padma, "kitchen.create:records:done");
    expect(r.signal).toBe("SIGKILL");
    await janitor();
    expect(await traces(f, name)).toEqual({ branch: true, schema: true, role: true, liveRows: 1 });
    expect(await operationsOf(name)).toMatchObject([{ state: "done" }]);
  });
});

describe("killing the process deleting a Kitchen", () => {
  const made = new Map<string, { name: string; id: string }>();
  const mid = new Map<string, { signal: string | null; out: string; row: unknown; child: unknown }>();
  beforeAll(async () => {
    for (const point of DELETE_POINTS) {
      const name = uniq("crd");
      made.set(point, { name, id: (await createKitchen(f.deps, { name, parent: "dev" }, f.users.padma)).kitchen.id });
    }
    await inBatches(
      DELETE_POINTS, async (point) => {
        const { name, id } = made.get(point)!;
        const r = await runUseCase("delete", { name, confirm: name }, f.users.padma, `kitchen.delete:${point}`);
        const row = await f.db.kitchen.findUniqueOrThrow({ where: { id }, select: { status: true, deletedAt: true } });
        const child = await createKitchen(f.deps, { name: uniq("kid"), parent: name }, f.users.padma).then(() => "created", (e) => e.code);
        mid.set(point, { signal: r.signal, out: r.out, row, child });
      });
    await janitor();
  }, 600_000);

  for (const point of DELETE_POINTS) {
    it(`at kitchen.delete:${point}: the Kitchen is marked deleting, then the janitor finishes the deletion`, async () => {
      const { name, id } = made.get(point)!;
      const m = mid.get(point)!;
      expect(m.signal, m.out).toBe("SIGKILL");
      // Never a live Kitchen without its schema: until the janitor is done, it is "deleting", and takes no children.
      expect(m.row).toEqual({ status: "deleting", deletedAt: null });
      expect(m.child).toBe("conflict");
      expect(await traces(f, name)).toEqual(nothingLeft);
      const row = await f.db.kitchen.findUniqueOrThrow({ where: { id }, select: { status: true, deletedAt: true } });
      expect(row.status).toBe("deleted");
      expect(row.deletedAt).not.toBeNull();
      expect(await operationsOf(name)).toMatchObject([{ kind: "kitchen.create", state: "done" }, { kind: "kitchen.delete", state: "done" }]);
      // The name is free again.
      await createKitchen(f.deps, { name, parent: "dev" }, f.users.padma);
      await deleteKitchen(f.deps, { name, confirm: name }, f.users.padma);
      expect(await traces(f, name)).toEqual(nothingLeft);
    });
  }
});

describe("killing the process merging into a Kitchen", () => {
  async function childWithChange() {
    const name = uniq("crm");
    await createKitchen(f.deps, { name, parent: "dev" }, f.users.padma);
    const head = await f.repo.headOf(name);
    await f.repo.commitFiles(name, { changes: [{ path: `sql/${name}.sql`, content: "select 2;\n" }], author: { name: "Padma", email: "padma@galley.test" }, message: "change", expectedHead: head });
    return name;
  }

  it("before git moved the branch (kitchen.merge:git): the janitor undoes the operation, nothing was merged", async () => {
    const name = await childWithChange();
    const before = await f.repo.headOf("dev");
    const r = await runUseCase("merge", { kitchen: name, direction: "up" }, f.users.chris, "kitchen.merge:git");
    expect(r.signal, r.out).toBe("SIGKILL");
    await janitor();
    expect(await f.repo.headOf("dev")).toBe(before);
    expect(await operationsOf("dev")).toContainEqual(expect.objectContaining({ kind: "kitchen.merge", state: "undone" }));
    // The merge slot is free: merging now works.
    const again = await runUseCase("merge", { kitchen: name, direction: "up" }, f.users.chris);
    expect(again.code, again.out).toBe(0);
  });

  for (const point of ["git:done", "records"]) {
    it(`after git moved the branch (kitchen.merge:${point}): the janitor records the merge`, async () => {
      const name = await childWithChange();
      const r = await runUseCase("merge", { kitchen: name, direction: "up" }, f.users.chris, `kitchen.merge:${point}`);
      expect(r.signal, r.out).toBe("SIGKILL");
      const head = await f.repo.headOf("dev");
      expect(await f.db.merge.count({ where: { resultCommit: head } })).toBe(0);
      await janitor();
      const merges = await f.db.merge.findMany({ where: { resultCommit: head }, select: { status: true } });
      expect(merges).toEqual([{ status: "committed" }]);
      expect(await f.db.operation.count({ where: { subject: "dev", state: "running" } })).toBe(0);
    });
  }
});
