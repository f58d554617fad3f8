// Per-pool capacity (issue 11): a pool limited to 2 never has 3 nodes running, whatever its
// workers' own concurrency (two workers of 4 here). Also: two control-plane workers starting
// together on one data directory end up with one self-issued credential.
import { setPoolCapacity } from "@galley/workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commit, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun, type WorkerEnv } from "./testing";

let g: WorkerEnv;
const workers: ReturnType<typeof startWorker>[] = [];

beforeAll(async () => {
  g = await setUpGalley("local");
  const lines = ["name: wide", "nodes:"];
  for (let i = 1; i <= 10; i++) lines.push(`  - id: n${String(i).padStart(2, "0")}`, "    type: sql", `    sql: "select pg_sleep(1.5)"`);
  await commit(g, "dev", { "pipelines/wide/pipeline.yaml": lines.join("\n") + "\n" });
}, 180_000);

afterAll(async () => {
  for (const w of workers) await stopWorker(w, "SIGKILL");
  if (g) await tearDownGalley(g);
});

/** The largest number of [start, end] intervals open at one instant. */
function maxOverlap(spans: { start: number; end: number }[]): number {
  const events = spans.flatMap((s) => [[s.start, 1], [s.end, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let max = 0;
  for (const [, d] of events) max = Math.max(max, (open += d));
  return max;
}

describe("pool capacity", () => {
  it("a limit of 2 on the pool never has 3 nodes running across two workers of concurrency 4", async () => {
    await setPoolCapacity({ db: g.db }, { pool: "default", maxRunning: 2, actorId: null });
    const env = { WORKER_CONCURRENCY: "4" };
    workers.push(startWorker(g, { env }), startWorker(g, { env }));
    for (const w of workers) {
      for (const end = Date.now() + 150_000; !w.output.join("").includes('"worker started"'); ) {
        if (Date.now() > end || w.exitCode !== null) throw new Error(`worker did not start: ${w.output.join("").slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // One credential file, one credential: the worker that lost the race discarded its own.
    expect(await g.db.workerCredential.count()).toBe(1);

    const { runId } = await run(g, "dev", "wide");
    let sampledMax = 0;
    const sampling = (async () => {
      for (;;) {
        const [runRow, running] = await Promise.all([
          g.db.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true } }),
          g.db.nodeRun.count({ where: { runId, status: "running" } }),
        ]);
        sampledMax = Math.max(sampledMax, running);
        if (["succeeded", "failed", "cancelled"].includes(runRow.status)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const r = await waitForRun(g.db, runId, 180_000);
    await sampling;
    expect(r.status).toBe("succeeded");
    const rows = await g.db.nodeRun.findMany({ where: { runId }, select: { startedAt: true, finishedAt: true, workerId: true } });
    const overlap = maxOverlap(rows.map((n) => ({ start: n.startedAt!.getTime(), end: n.finishedAt!.getTime() })));
    console.log(`capacity 2: max overlap ${overlap}, max sampled ${sampledMax}, workers used ${new Set(rows.map((n) => n.workerId)).size}`);
    expect(sampledMax).toBeLessThanOrEqual(2);
    expect(overlap).toBeLessThanOrEqual(2);
    // The limit is a ceiling, not a stall: two at a time did run.
    expect(overlap).toBe(2);
  });
});
