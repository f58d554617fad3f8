import { randomBytes } from "node:crypto";
import { createLogger } from "@galley/core";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { connectRedis, createQueues, dispatchOutboxBatch, type Queues, type Redis } from "@galley/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRun } from "./create-run";
import { reconcileRuns } from "./reconcile";
import { planFromDeps, seedKitchenRow } from "./testing";

const N = 1_000;
let t: TestDatabase;
let redis: Redis;
let queues: Queues;
const prefix = `galley_t_rec_${randomBytes(4).toString("hex")}`;
const quiet = createLogger({}, "error");

beforeAll(async () => {
  t = await createTestDatabase();
  redis = await connectRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", "producer");
  queues = createQueues({ connection: redis, prefix });
});
afterAll(async () => {
  await queues.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await t.drop();
});

const drain = async () => {
  while ((await dispatchOutboxBatch(t.db, queues, quiet)).count > 0);
};

describe("the reconciler after Redis lost 1,000 queued jobs", () => {
  it("three workers reconciling over and over queue each node once, under its deterministic id", async () => {
    const { kitchenId } = await seedKitchenRow(t.db);
    const deps = Object.fromEntries(Array.from({ length: N }, (_, i) => [`n${i}`, [] as string[]]));
    const { runId } = await createRun({ db: t.db }, {
      kitchenId, pipeline: "p", commit: "c0ffee", trigger: "manual", triggeredById: null, parameters: {},
      compiled: { deps }, executor: "local", nodes: planFromDeps(deps),
    });
    await drain();
    expect(await queues.jobState("node.execute", `node:${runId}:n0:1`)).toBe("waiting");
    // Redis restarts without persistence: every job is gone, PostgreSQL still says queued.
    const keys = await redis.keys(`${prefix}:*`);
    await redis.del(...keys);
    await t.db.$executeRaw`UPDATE node_runs SET queued_at = now() - interval '1 minute' WHERE run_id = ${runId}::uuid`;

    const deps3 = { db: t.db, jobState: (id: string) => queues.jobState("node.execute", id), removeFinishedJob: (id: string) => queues.removeFinished("node.execute", id) };
    const passes = [];
    for (let round = 0; round < 4; round++) {
      // Three workers' timers fire together; between rounds the dispatcher moves the outbox to Redis.
      passes.push(...(await Promise.all([0, 1, 2].map(() => reconcileRuns(deps3, { queuedGraceMs: 0 })))));
      await drain();
    }
    // One leader per round; the others stepped aside.
    expect(passes.filter((p) => p.leader).length).toBeLessThanOrEqual(4);
    expect(passes.reduce((s, p) => s + p.requeued, 0)).toBe(N);

    const rows = await t.db.outbox.groupBy({ by: ["jobId"], where: { jobId: { startsWith: `node:${runId}:` } }, _count: { _all: true } });
    // The original row and exactly one re-enqueue per node, both under the deterministic id.
    expect(rows.length).toBe(N);
    expect(rows.every((r) => /^node:[0-9a-f-]+:n\d+:1$/.test(r.jobId) && r._count._all === 2)).toBe(true);
    const counts = await queues.counts("node.execute");
    expect(counts.waiting).toBe(N);
  });

  it("a job BullMQ finished while the node is still queued is replaced under the same id", async () => {
    const { kitchenId } = await seedKitchenRow(t.db);
    const { runId } = await createRun({ db: t.db }, {
      kitchenId, pipeline: "p", commit: "c0ffee", trigger: "manual", triggeredById: null, parameters: {},
      compiled: { deps: { a: [] } }, executor: "local", nodes: planFromDeps({ a: [] }),
    });
    await t.db.$executeRaw`UPDATE node_runs SET queued_at = now() - interval '1 minute' WHERE run_id = ${runId}::uuid`;
    await drain();
    const id = `node:${runId}:a:1`;
    // BullMQ gave up on the job (e.g. its attempts ran out during an outage): it sits in failed.
    const key = `${prefix}:nodes`;
    const bullId = id.replaceAll(":", "%3A");
    await redis.lrem(`${key}:wait`, 0, bullId);
    await redis.zadd(`${key}:failed`, Date.now(), bullId);
    expect(await queues.jobState("node.execute", id)).toBe("failed");
    const r = await reconcileRuns({ db: t.db, jobState: (j) => queues.jobState("node.execute", j), removeFinishedJob: (j) => queues.removeFinished("node.execute", j) }, { queuedGraceMs: 0 });
    expect(r.requeued).toBeGreaterThanOrEqual(1);
    await drain();
    expect(await queues.jobState("node.execute", id)).toBe("waiting");
  });
});
