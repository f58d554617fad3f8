import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { cancelRun } from "./cancel-run";
import { claimNode, credentialRevoked, renewLease } from "./claim-node";
import { completeNode } from "./complete-node";
import { createRun } from "./create-run";
import { LogSink } from "./log-sink";
import { planFromDeps, seedKitchenRow } from "./testing";

let t: TestDatabase;
let kitchenId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  ({ kitchenId } = await seedKitchenRow(t.db));
});
afterAll(async () => t.drop());

const diamond = { a: [], b: ["a"], c: ["a"], d: ["b", "c"] };

async function start(deps: Record<string, string[]>, maxAttempts = 1, key?: string) {
  return createRun({ db: t.db }, {
    kitchenId, pipeline: "p", commit: "c0ffee", trigger: "manual", triggeredById: null, parameters: {},
    compiled: { deps }, executor: "local", nodes: planFromDeps(deps, maxAttempts), idempotencyKey: key,
  });
}

async function runNode(runId: string, nodeId: string, attempt: number, status: "succeeded" | "failed" = "succeeded", worker = "w1") {
  const claimed = await claimNode(t.db, { runId, nodeId, attempt, workerId: worker, leaseMs: 10_000 });
  if (!claimed) return null;
  return completeNode({ db: t.db }, { runId, nodeId, attempt, workerId: worker, backoffMs: 10, outcome: { status, outputs: { n: nodeId } } });
}

async function statuses(runId: string) {
  const rows = await t.db.nodeRun.findMany({ where: { runId }, orderBy: { nodeId: "asc" } });
  return Object.fromEntries(rows.map((r) => [r.nodeId, r.status]));
}

describe("run orchestration in PostgreSQL", () => {
  it("queues roots with outbox rows in the same transaction", async () => {
    const { runId } = await start(diamond);
    expect(await statuses(runId)).toEqual({ a: "queued", b: "pending", c: "pending", d: "pending" });
    const jobs = await t.db.outbox.findMany({ where: { jobId: { startsWith: `node:${runId}:` } } });
    expect(jobs.map((j) => j.jobId)).toEqual([`node:${runId}:a:1`]);
  });

  it("diamond × 200 with B and C finishing together: D queued exactly once per run", async () => {
    const runs = await Promise.all(Array.from({ length: 200 }, () => start(diamond)));
    for (const { runId } of runs) await runNode(runId, "a", 1);
    await Promise.all(runs.flatMap(({ runId }) => [runNode(runId, "b", 1, "succeeded", "wb"), runNode(runId, "c", 1, "succeeded", "wc")]));
    for (const { runId } of runs) {
      const jobs = await t.db.outbox.count({ where: { jobId: `node:${runId}:d:1` } });
      expect(jobs).toBe(1);
    }
    for (const { runId } of runs.slice(0, 20)) await runNode(runId, "d", 1);
    const finished = await t.db.run.findMany({ where: { id: { in: runs.slice(0, 20).map((r) => r.runId) } }, select: { status: true } });
    expect(finished.every((r) => r.status === "succeeded")).toBe(true);
  });

  it("a wide run's nodes finishing at once (no lock queue between them): the run settles once", async () => {
    const wide = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`n${i}`, []]));
    for (let round = 0; round < 5; round++) {
      const { runId } = await start(wide);
      for (const id of Object.keys(wide)) await claimNode(t.db, { runId, nodeId: id, attempt: 1, workerId: `w${id}`, leaseMs: 10_000 });
      const results = await Promise.all(Object.keys(wide).map((id) =>
        completeNode({ db: t.db }, { runId, nodeId: id, attempt: 1, workerId: `w${id}`, outcome: { status: "succeeded", outputs: {} }, dag: wide })));
      expect(results.every((r) => r.applied)).toBe(true);
      // Exactly one completion saw no work left and closed the run.
      expect(results.filter((r) => r.runStatus === "succeeded")).toHaveLength(1);
      expect((await t.db.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("succeeded");
    }
  });

  it("completions and a cancel at the same moment neither deadlock nor lose a node", async () => {
    for (let round = 0; round < 8; round++) {
      const { runId } = await start(diamond);
      await runNode(runId, "a", 1);
      for (const id of ["b", "c"]) await claimNode(t.db, { runId, nodeId: id, attempt: 1, workerId: `w${id}`, leaseMs: 10_000 });
      const done = (id: string, status: "succeeded" | "failed") => completeNode({ db: t.db }, { runId, nodeId: id, attempt: 1, workerId: `w${id}`, outcome: { status } });
      const settled = await Promise.allSettled([done("b", "succeeded"), cancelRun(t.db, runId), done("c", round % 2 ? "failed" : "succeeded")]);
      // The only refusal allowed: the cancel coming after the run had already ended.
      const refused = settled.flatMap((r) => (r.status === "rejected" ? [(r.reason as Error).message] : []));
      expect(refused.filter((m) => !/^run is already (failed|succeeded)$/.test(m))).toEqual([]);
      const st = await statuses(runId);
      const run = await t.db.run.findUniqueOrThrow({ where: { id: runId } });
      expect(run.status).toBe(refused.length ? (round % 2 ? "failed" : "succeeded") : "cancelled");
      // Nothing is left waiting: d was cancelled, skipped, or (the run ended before the cancel) queued and run.
      if (run.status !== "succeeded") expect(["cancelled", "skipped"]).toContain(st.d);
      else await runNode(runId, "d", 1);
    }
  });

  it("a failing node retries, then fails the run and skips its downstream", async () => {
    const { runId } = await start(diamond, 2);
    await runNode(runId, "a", 1);
    const r1 = await runNode(runId, "b", 1, "failed");
    expect(r1?.retrying).toBe(true);
    expect(await t.db.outbox.count({ where: { jobId: `node:${runId}:b:2` } })).toBe(1);
    await runNode(runId, "c", 1);
    const r2 = await runNode(runId, "b", 2, "failed");
    expect(r2?.skipped).toEqual(["d"]);
    expect(r2?.runStatus).toBe("failed");
    expect(await statuses(runId)).toEqual({ a: "succeeded", b: "failed", c: "succeeded", d: "skipped" });
  });

  it("a redelivered job does nothing; a node under a live lease is not taken; an expired one is", async () => {
    const { runId } = await start({ a: [] });
    const first = await claimNode(t.db, { runId, nodeId: "a", attempt: 1, workerId: "w1", leaseMs: 10_000 });
    expect(first?.tookOver).toBe(false);
    expect(await claimNode(t.db, { runId, nodeId: "a", attempt: 1, workerId: "w2", leaseMs: 10_000 })).toBeNull();
    await t.db.nodeRun.updateMany({ where: { runId, nodeId: "a" }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    const second = await claimNode(t.db, { runId, nodeId: "a", attempt: 1, workerId: "w2", leaseMs: 10_000 });
    expect(second?.tookOver).toBe(true);
    // The dead worker's late completion is ignored: one final result per node.
    const late = await completeNode({ db: t.db }, { runId, nodeId: "a", attempt: 1, workerId: "w1", outcome: { status: "succeeded" } });
    expect(late.applied).toBe(false);
    const done = await completeNode({ db: t.db }, { runId, nodeId: "a", attempt: 1, workerId: "w2", outcome: { status: "succeeded" } });
    expect(done.runStatus).toBe("succeeded");
    expect(await claimNode(t.db, { runId, nodeId: "a", attempt: 1, workerId: "w3", leaseMs: 10_000 })).toBeNull();
  });

  it("a worker whose credential is revoked claims nothing, in the claim's own statement", async () => {
    const { runId } = await start({ a: [], b: [] });
    const cred = await t.db.workerCredential.create({ data: { pool: "default", tokenHash: `h${runId}`, tokenHint: "gwc_…test", wrappedKeys: "wc1:x:y:z" } });
    const claimA = await claimNode(t.db, { runId, nodeId: "a", attempt: 1, workerId: "w1", leaseMs: 10_000, credentialId: cred.id });
    expect(claimA).not.toBeNull();
    await t.db.workerCredential.update({ where: { id: cred.id }, data: { revokedAt: new Date(), wrappedKeys: null } });
    expect(await claimNode(t.db, { runId, nodeId: "b", attempt: 1, workerId: "w1", leaseMs: 10_000, credentialId: cred.id })).toBeNull();
    expect(await credentialRevoked(t.db, cred.id)).toBe(true);
    expect((await statuses(runId)).b).toBe("queued");
    // Its node claimed before the revocation keeps its lease (it finishes); another worker takes b.
    expect(await renewLease(t.db, { nodeRunId: claimA!.nodeRunId, workerId: "w1", leaseMs: 10_000 })).toBe(true);
    expect(await claimNode(t.db, { runId, nodeId: "b", attempt: 1, workerId: "w2", leaseMs: 10_000 })).not.toBeNull();
  });

  it("cancel drops queued nodes and makes the running node's lease renewal fail", async () => {
    const { runId } = await start({ a: [], b: ["a"], c: [] });
    const claimed = await claimNode(t.db, { runId, nodeId: "a", attempt: 1, workerId: "w1", leaseMs: 10_000 });
    const r = await cancelRun(t.db, runId);
    expect(r).toEqual({ cancelledNodes: 2, running: 1 });
    expect(await renewLease(t.db, { nodeRunId: claimed!.nodeRunId, workerId: "w1", leaseMs: 10_000 })).toBe(false);
    await completeNode({ db: t.db }, { runId, nodeId: "a", attempt: 1, workerId: "w1", outcome: { status: "failed", error: "killed" } });
    expect(await statuses(runId)).toEqual({ a: "cancelled", b: "cancelled", c: "cancelled" });
    expect((await t.db.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("cancelled");
  });

  it("one idempotency key makes one run", async () => {
    const key = `k-${Date.now()}`;
    const [x, y] = await Promise.all([start({ a: [] }, 1, key), start({ a: [] }, 1, key)]);
    expect(x.runId).toBe(y.runId);
  });

  it("the log sink batches lines and cuts at the cap with a marker", async () => {
    const { runId } = await start({ a: [] });
    const node = await t.db.nodeRun.findFirstOrThrow({ where: { runId } });
    const sink = new LogSink(t.db, node.id, 1, 10_000);
    for (let i = 0; i < 1000; i++) sink.write("stdout", `line ${i} ${"x".repeat(40)}`);
    await sink.close();
    const lines = await t.db.nodeLog.findMany({ where: { nodeRunId: node.id }, orderBy: { id: "asc" } });
    expect(lines.length).toBeLessThan(300);
    expect(lines[0].line).toMatch(/^line 0 /);
    expect(lines.at(-1)!.line).toMatch(/log truncated/);
    const after = await t.db.nodeRun.findUniqueOrThrow({ where: { id: node.id } });
    expect(after.logTruncated).toBe(true);
  });
});
