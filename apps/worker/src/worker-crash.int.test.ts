import pg from "pg";
import { createLogger } from "@galley/core";
import { connectRedis, createQueues, dispatchOutboxBatch } from "@galley/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commit, logsOf, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun, type WorkerEnv } from "./testing";

let g: WorkerEnv;
const workers: ReturnType<typeof startWorker>[] = [];

beforeAll(async () => {
  g = await setUpGalley("docker");
  await commit(g, "padma_feature", {
    "pipelines/crash/pipeline.yaml": [
      "name: crash",
      "nodes:",
      "  - id: slow",
      "    type: container",
      "    image: galley-runner:latest",
      "    command: [sh, -c, 'echo started; sleep 4; echo finished']",
      "  - id: after",
      "    type: sql",
      "    depends_on: [slow]",
      "    sql: create table if not exists crash_done (run_id text); insert into crash_done values ('{{run.id}}');",
    ].join("\n"),
  });
}, 180_000);

afterAll(async () => {
  for (const w of workers) await stopWorker(w, "SIGKILL");
  if (g) await tearDownGalley(g);
});

describe("Redis losing its jobs", () => {
  it("the reconciler re-enqueues queued nodes from PostgreSQL and the run succeeds", async () => {
    const { runId } = await run(g, "padma_feature", "crash", { selection: { kind: "node", node: "after" } });
    // Move the job into Redis as the dispatcher would, then lose it as a Redis restart without
    // persistence does, before any worker exists.
    const redis = await connectRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", "producer");
    const queues = createQueues({ connection: redis, prefix: g.env.GALLEY_QUEUE_PREFIX! });
    const sent = await dispatchOutboxBatch(g.db, queues, createLogger({}, "error"));
    expect(sent.count).toBe(1);
    expect(await queues.jobState("node.execute", `node:${runId}:after:1`)).toBe("waiting");
    const keys = await redis.keys(`${g.env.GALLEY_QUEUE_PREFIX}:*`);
    await redis.del(...keys);
    expect(await queues.jobState("node.execute", `node:${runId}:after:1`)).toBe("unknown");
    await queues.close();
    redis.disconnect();

    const t0 = Date.now();
    workers.push(startWorker(g));
    const r = await waitForRun(g.db, runId, 60_000);
    console.log(`bench worker-recovery redis_lost_ms=${Date.now() - t0}`);
    expect(r.status).toBe("succeeded");
    // Re-enqueued once, under the same deterministic id (the first row is the original dispatch).
    const rows = await g.db.outbox.count({ where: { jobId: { startsWith: `node:${runId}:after:1` } } });
    expect(rows).toBe(2);
    // The next test needs a lone worker.
    for (const w of workers.splice(0)) await stopWorker(w);
  });
});

describe("a worker killed with SIGKILL mid-node", () => {
  it("another worker runs the node again within 15 s; the run succeeds with one result per node", async () => {
    const first = startWorker(g);
    workers.push(first);
    const { runId } = await run(g, "padma_feature", "crash");
    // Wait until the node has started on the first worker (a worker starts slowly on a loaded machine).
    for (const end = Date.now() + 60_000; Date.now() < end; ) {
      if ((await logsOf(g.db, runId)).includes("started")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await logsOf(g.db, runId)).toContain("started");
    first.kill("SIGKILL");
    const killedAt = Date.now();
    const second = startWorker(g);
    workers.push(second);

    let retakenAfterMs = -1;
    for (let i = 0; i < 400 && retakenAfterMs < 0; i++) {
      const logs = await logsOf(g.db, runId);
      if ((logs.match(/\[galley\] attempt 1 on/g) ?? []).length >= 2) retakenAfterMs = Date.now() - killedAt;
      else await new Promise((r) => setTimeout(r, 50));
    }
    console.log(`bench worker-recovery retake_ms=${retakenAfterMs}`);
    expect(retakenAfterMs).toBeGreaterThan(0);
    // The p95 target (15 s) is checked by `pnpm bench worker-recovery`; this bound only proves a takeover.
    expect(retakenAfterMs).toBeLessThan(30_000);

    const r = await waitForRun(g.db, runId, 60_000);
    expect(r.status).toBe("succeeded");
    expect(r.nodes.slow.status).toBe("succeeded");
    expect(r.nodes.after.status).toBe("succeeded");
    // The dependent ran exactly once.
    const c = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${g.whPrefix}_dev` });
    await c.connect();
    const { rows } = await c.query("SELECT count(*)::int AS n FROM padma_feature.crash_done WHERE run_id = $1", [runId]);
    await c.end();
    expect(rows[0].n).toBe(1);
    const logs = await logsOf(g.db, runId);
    expect((logs.match(/finished/g) ?? []).length).toBe(1);
  });
});
