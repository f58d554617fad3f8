// Issue 9 faults: a node that fills its log cap (the run goes on, the log says it was cut); a log
// write that fails is reported, not swallowed; two merges into dev in the same second both land
// whole (or one is refused cleanly).
import { createTestDatabase, uniq, type TestDatabase } from "@galley/db/testing";
import { createKitchen, mergeKitchen } from "@galley/kitchens";
import { LogSink } from "../../packages/runs/src/log-sink";
import { seedKitchenRow } from "../../packages/runs/src/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKitchenFixture, type KitchenFixture } from "../../packages/kitchens/src/testing/fixture";

describe("node logs", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.drop());

  async function nodeRun() {
    const k = await seedKitchenRow(t.db);
    const run = await t.db.run.create({ data: { kitchenId: k.kitchenId, pipeline: "p", commit: "0".repeat(40), status: "running", trigger: "manual" }, select: { id: true } });
    return t.db.nodeRun.create({ data: { runId: run.id, nodeId: "loud", type: "container", status: "running", remainingDeps: 0 }, select: { id: true } });
  }

  it("a node that fills its log cap keeps running; the log ends with a line saying it was cut", async () => {
    const nr = await nodeRun();
    const sink = new LogSink(t.db, nr.id, 1, 64 * 1024);
    const line = "x".repeat(1000);
    for (let i = 0; i < 500; i++) sink.write("stdout", `${i} ${line}`);
    // Past the cap writes are dropped, not errors: the node goes on.
    sink.write("stdout", "after the cap");
    await sink.close();
    const row = await t.db.nodeRun.findUniqueOrThrow({ where: { id: nr.id }, select: { logBytes: true, logTruncated: true } });
    expect(row.logTruncated).toBe(true);
    expect(row.logBytes).toBeLessThanOrEqual(64 * 1024);
    const logs = await t.db.nodeLog.findMany({ where: { nodeRunId: nr.id }, orderBy: { id: "asc" }, select: { line: true, stream: true } });
    expect(logs.length).toBeGreaterThan(50);
    expect(logs.at(-1)).toEqual({ stream: "system", line: expect.stringMatching(/^\[galley\] log truncated: the node printed more than/) });
    expect(logs.some((l) => l.line === "after the cap")).toBe(false);
  });

  it("a failed log write is reported to the worker and said in the log once writing works again", async () => {
    const nr = await nodeRun();
    const errors: string[] = [];
    const sink = new LogSink(t.db, nr.id, 1, undefined, 0, (e, lines) => errors.push(`${lines}: ${(e as Error).message.split("\n")[0]}`));
    sink.write("stdout", "kept");
    await sink.flush();
    // A line PostgreSQL refuses (NUL byte) makes the whole batch fail, as a lost connection would.
    sink.write("stdout", "bad \u0000 line");
    await sink.flush();
    expect(sink.failedWrites).toBe(1);
    expect(errors).toHaveLength(1);
    sink.write("stdout", "later");
    await sink.close();
    const logs = (await t.db.nodeLog.findMany({ where: { nodeRunId: nr.id }, orderBy: { id: "asc" }, select: { line: true } })).map((l) => l.line);
    expect(logs[0]).toBe("kept");
    expect(logs[1]).toMatch(/^\[galley\] 1 log line\(s\) could not be saved: /);
    expect(logs[2]).toBe("later");
  });
});

describe("two merges into dev in the same second", () => {
  let f: KitchenFixture;
  beforeAll(async () => {
    f = await createKitchenFixture();
  });
  afterAll(() => f?.cleanup());

  it("both land whole, one after the other; no operation is left running", async () => {
    const kids = [uniq("ma"), uniq("mb")];
    for (const k of kids) {
      await createKitchen(f.deps, { name: k, parent: "dev" }, f.users.padma);
      await f.repo.commitFiles(k, { changes: [{ path: `sql/${k}.sql`, content: `select '${k}';\n` }], author: { name: "Padma", email: "padma@galley.test" }, message: k, expectedHead: await f.repo.headOf(k) });
    }
    const results = await Promise.allSettled(kids.map((k) => mergeKitchen(f.deps, { kitchen: k, direction: "up" }, f.users.chris)));
    for (const r of results) {
      // Landed, or refused with a clean 409 (never a half-merge or a 500).
      if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "conflict" });
    }
    const landed = kids.filter((_, i) => results[i].status === "fulfilled");
    expect(landed.length).toBeGreaterThanOrEqual(1);
    const files = (await f.repo.listFiles("dev", { prefix: "sql/" })).map((x) => x.path);
    for (const k of landed) expect(files).toContain(`sql/${k}.sql`);
    const merges = await f.db.merge.findMany({ where: { targetKitchenId: f.kitchens.dev, status: "committed" }, select: { resultCommit: true } });
    expect(merges).toHaveLength(landed.length);
    // The dev head is the last merge: nothing was overwritten.
    const log = await f.repo.log("dev", { limit: 5, firstParent: true });
    expect(log.slice(0, landed.length).map((c) => c.sha).sort()).toEqual(merges.map((m) => m.resultCommit).sort());
    expect(await f.db.operation.count({ where: { state: "running" } })).toBe(0);
  });
});
