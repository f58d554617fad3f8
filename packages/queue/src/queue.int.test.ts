import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assertNoEviction, connectRedis, readEvictionPolicy, type Redis } from "./redis";
import { bullQueue, createQueues, enqueue, type Queues } from "./queues";
import { createWorker, JobHandedBack, type GalleyWorker, type JobContext } from "./worker";
import { createQueueHealth } from "./health";
import { toBullJobId } from "./catalogue";
import { deletePrefix, REDIS_URL, uniquePrefix, waitFor } from "./test-helpers";
import { createLogger } from "@galley/core";

const quiet = createLogger({}, "error");
let producer: Redis;
let workerConn: Redis;
let prefix: string;
let queues: Queues;
const workers: GalleyWorker[] = [];

beforeEach(async () => {
  producer = await connectRedis(REDIS_URL, "producer");
  workerConn = await connectRedis(REDIS_URL, "worker");
  prefix = uniquePrefix();
  queues = createQueues({ connection: producer, prefix });
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close(true)));
  await queues.close();
  await deletePrefix(producer, prefix);
  producer.disconnect();
  workerConn.disconnect();
});

const startWorker = (...args: Parameters<typeof createWorker<"node.execute">>) => {
  const w = createWorker(...args);
  workers.push(w);
  return w;
};

describe("redis connections", () => {
  it("configures workers to never drop commands and producers to fail fast", () => {
    expect(workerConn.options.maxRetriesPerRequest).toBeNull();
    expect(producer.options.enableOfflineQueue).toBe(false);
  });

  it("gives up on an unreachable Redis at boot", async () => {
    await expect(connectRedis("redis://127.0.0.1:1", "producer", { readyTimeoutMs: 300 })).rejects.toThrow();
  });

  it("refuses a Redis that may evict keys, with the fix in the message", async () => {
    const original = await readEvictionPolicy(producer);
    expect(original).toBe("noeviction");
    await expect(assertNoEviction(producer)).resolves.toBeUndefined();
    try {
      await producer.config("SET", "maxmemory-policy", "allkeys-lru");
      await expect(assertNoEviction(producer)).rejects.toThrow(
        "Redis maxmemory-policy is allkeys-lru; BullMQ needs noeviction (set it with CONFIG SET maxmemory-policy noeviction)",
      );
    } finally {
      await producer.config("SET", "maxmemory-policy", original);
    }
    expect(await readEvictionPolicy(producer)).toBe("noeviction");
  });

  it("answers health pings", async () => {
    const h = await createQueueHealth(producer).ping();
    expect(h.ok).toBe(true);
    expect(h.latencyMs).toBeLessThan(1000);
  });
});

describe("enqueue and dequeue", () => {
  it("validates payloads on enqueue and adds nothing when invalid", async () => {
    const runId = randomUUID();
    await expect(enqueue(queues, "node.execute", { runId, nodeId: "a", attempt: 1, password: "hunter2" } as never)).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(enqueue(queues, "node.execute", { runId: "x", nodeId: "a", attempt: 1 })).rejects.toThrow(/runId/);
    expect(Object.values(await queues.counts("node.execute")).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("deduplicates by the deterministic job id and runs the job once", async () => {
    const runId = randomUUID();
    const seen: JobContext[] = [];
    const { jobId } = await enqueue(queues, "node.execute", { runId, nodeId: "a", attempt: 1 });
    await enqueue(queues, "node.execute", { runId, nodeId: "a", attempt: 1 });
    expect(jobId).toBe(`node:${runId}:a:1`);
    expect(await queues.counts("node.execute")).toMatchObject({ waiting: 1 });
    startWorker("node.execute", async (_p, ctx) => void seen.push(ctx), { connection: workerConn, prefix, concurrency: 2, logger: quiet });
    await waitFor("completion", async () => (await queues.jobState("node.execute", jobId)) === "completed");
    expect(seen.map((c) => [c.jobId, c.delivery])).toEqual([[jobId, 1]]);
  });

  it("a job handed back goes to another worker without using an attempt; BullMQ global concurrency caps active jobs", async () => {
    const runId = randomUUID();
    const { jobId } = await enqueue(queues, "node.execute", { runId, nodeId: "a", attempt: 1 });
    let refused = 0;
    // A worker whose credential was revoked: it takes the job and hands it back.
    const revoked = startWorker("node.execute", async () => {
      refused++;
      throw new JobHandedBack("worker credential revoked", 100);
    }, { connection: workerConn, prefix, concurrency: 1, logger: quiet });
    await waitFor("handed back", () => refused >= 1);
    await revoked.close();
    const ran: JobContext[] = [];
    const other = startWorker("node.execute", async (_p, ctx) => void ran.push(ctx), { connection: workerConn, prefix, concurrency: 1, logger: quiet });
    await waitFor("completion", async () => (await queues.jobState("node.execute", jobId)) === "completed");
    expect(ran.map((c) => c.jobId)).toEqual([jobId]);
    const job = await bullQueue(queues, "node.execute").getJob(toBullJobId(jobId));
    // The run that completed it is the only attempt BullMQ counted (a used attempt would make it 2).
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason ?? null).toBeNull();

    await other.close();

    // Capacity: two workers of 3, a limit of 2 on the queue, never more than 2 at once.
    await queues.setConcurrencyLimit("node.execute", undefined, 2);
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => enqueue(queues, "node.execute", { runId, nodeId: `n${i}`, attempt: 1 })));
    let active = 0;
    let peak = 0;
    const handler = async () => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 150));
      active--;
    };
    for (let i = 0; i < 2; i++) startWorker("node.execute", handler, { connection: workerConn, prefix, concurrency: 3, logger: quiet });
    await waitFor("all done", async () => (await Promise.all(ids.map((x) => queues.jobState("node.execute", x.jobId)))).every((st) => st === "completed"), 30_000);
    expect(peak).toBe(2);
  });

  it("fails an invalid payload on dequeue once, without calling the handler or retrying", async () => {
    let calls = 0;
    // Bypass enqueue's validation, as an old producer or a hand-edited Redis could.
    const job = await bullQueue(queues, "node.execute").add("node.execute", { runId: "not-a-uuid", nodeId: "a", attempt: 1 }, { attempts: 3, jobId: "bad-1" });
    startWorker("node.execute", async () => void calls++, { connection: workerConn, prefix, concurrency: 1, logger: quiet });
    await waitFor("failure", async () => (await job.getState()) === "failed");
    const failed = await bullQueue(queues, "node.execute").getJob("bad-1");
    expect(calls).toBe(0);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/invalid payload.*runId/);
  });

  it("re-delivers a job whose worker died (lock 5 s, stall check 5 s)", async () => {
    const runId = randomUUID();
    const opts = { connection: workerConn, prefix, concurrency: 1, lockDurationMs: 5000, stalledIntervalMs: 5000, logger: quiet };
    let started = false;
    const crashed = startWorker("node.execute", () => ((started = true), new Promise<void>(() => {})), opts);
    const { jobId } = await enqueue(queues, "node.execute", { runId, nodeId: "slow", attempt: 1 });
    await waitFor("first delivery", () => started);
    // The crash: stop renewing the lock without finishing or failing the job.
    await crashed.close(true);
    const killedAt = Date.now();
    const second = await new Promise<JobContext>((resolve) => {
      startWorker("node.execute", async (_p, ctx) => resolve(ctx), opts);
    });
    const elapsed = Date.now() - killedAt;
    expect(second.jobId).toBe(jobId);
    expect(second.delivery).toBe(2);
    // Speed is measured by `pnpm bench worker-recovery`; here only that stall detection re-delivers it.
    expect(elapsed).toBeLessThan(30_000);
    await waitFor("completion", async () => (await queues.jobState("node.execute", jobId)) === "completed");
    const job = await bullQueue(queues, "node.execute").getJob(toBullJobId(jobId));
    expect(job?.stalledCounter).toBe(1);
    console.log(`re-delivered after worker death in ${elapsed} ms`);
  }, 30_000);
});
