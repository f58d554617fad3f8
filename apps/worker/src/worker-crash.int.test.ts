import pg from "pg";
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

describe("a worker killed with SIGKILL mid-node", () => {
  it("another worker runs the node again within 15 s; the run succeeds with one result per node", async () => {
    const first = startWorker(g);
    workers.push(first);
    const { runId } = await run(g, "padma_feature", "crash");
    for (let i = 0; i < 200; i++) {
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
    expect(retakenAfterMs).toBeLessThan(15_000);

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
