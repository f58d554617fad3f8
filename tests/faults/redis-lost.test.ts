// Issue 9 faults: Redis restarts with its data lost while runs are in flight (one node running in
// a container, others queued behind it). Each run finishes, or fails with a clear reason; none
// stays running. Redis is a private redis-server: the machine's shared one is never touched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commit, logsOf, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun, type WorkerEnv } from "../../apps/worker/src/testing";
import { startPrivateRedis, type PrivateRedis } from "./helpers/private-services";
import { slowFanOutPipelines } from "./helpers/slow-fan-out";

const NODES = ["a", "b", "c"];
let g: WorkerEnv;
let redis: PrivateRedis;
const workers: ReturnType<typeof startWorker>[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  g = await setUpGalley("docker", { env: { REDIS_URL: redis.url } });
  await commit(g, "padma_feature", slowFanOutPipelines("lost", NODES));
}, 180_000);

afterAll(async () => {
  for (const w of workers) await stopWorker(w, "SIGKILL");
  if (g) await tearDownGalley(g);
  await redis?.destroy();
});

describe("Redis restarts with its data lost mid-run", () => {
  it("runs in flight finish or fail with a clear reason; none stays running", async () => {
    workers.push(startWorker(g));
    const setup = await run(g, "padma_feature", "lost_setup");
    expect((await waitForRun(g.db, setup.runId, 60_000)).status).toBe("succeeded");
    const runs = [await run(g, "padma_feature", "lost"), await run(g, "padma_feature", "lost")];
    await expect.poll(() => logsOf(g.db, runs[0].runId), { timeout: 60_000, interval: 100 }).toContain("started");
    await redis.kill();
    await new Promise((r) => setTimeout(r, 1_000));
    await redis.start();

    for (const { runId } of runs) {
      const r = await waitForRun(g.db, runId, 120_000);
      const logs = await logsOf(g.db, runId);
      console.log(`run after Redis lost its data: ${r.status} (${Object.entries(r.nodes).map(([id, n]) => `${id} ${n.status}${n.error ? `: ${n.error}` : ""}`).join(", ")})`);
      expect(["succeeded", "failed"], logs.slice(-2000)).toContain(r.status);
      for (const [id, n] of Object.entries(r.nodes)) {
        expect(["succeeded", "failed", "skipped", "cancelled"], `${id}: ${n.status}`).toContain(n.status);
        if (n.status === "failed") expect(n.error, id).toMatch(/\w{8,}/);
      }
    }
    // PostgreSQL holds the truth, so the reconciler queues what Redis lost: here both succeed.
    for (const { runId } of runs) expect((await g.db.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("succeeded");
    // Nothing is left half-done in PostgreSQL either.
    expect(await g.db.nodeRun.count({ where: { runId: { in: runs.map((r) => r.runId) }, status: { in: ["queued", "running"] } } })).toBe(0);
  });
});
