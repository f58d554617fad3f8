// Issue 9 faults: kill -9 the worker while a container node runs. The run finishes, each node has
// one final result, and no output table has duplicate rows: the container wrote its rows after
// the worker died (before the next worker took the node over), and the node is not run twice.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commit, logsOf, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun, type WorkerEnv } from "../../apps/worker/src/testing";

let g: WorkerEnv;
const workers: ReturnType<typeof startWorker>[] = [];

beforeAll(async () => {
  g = await setUpGalley("docker");
  await commit(g, "padma_feature", {
    "pipelines/killed/pipeline.yaml": [
      "name: killed",
      "nodes:",
      "  - id: prep",
      "    type: sql",
      "    sql: create table if not exists killed_rows (run_id text, k int);",
      "  - id: load",
      "    type: container",
      "    depends_on: [prep]",
      "    image: galley-runner:latest",
      "    outputs: outputs.json",
      // Writes its rows well before a takeover could happen (leases last 8 s), then lingers.
      "    command:",
      "      - sh",
      "      - -c",
      "      - |",
      "        echo started",
      "        sleep 2",
      "        psql -v ON_ERROR_STOP=1 -qc \"insert into killed_rows select '$GALLEY_RUN_ID', g from generate_series(1, 3) g\" && echo inserted",
      "        sleep 2",
      "        echo '{\"rows\": 3}' > \"$GALLEY_OUTPUTS\"",
      "        echo finished",
      "  - id: after",
      "    type: sql",
      "    depends_on: [load]",
      "    sql: create table if not exists killed_after (run_id text, rows int); insert into killed_after values ('{{run.id}}', {{outputs.load.rows}});",
    ].join("\n"),
  });
}, 180_000);

afterAll(async () => {
  for (const w of workers) await stopWorker(w, "SIGKILL");
  if (g) await tearDownGalley(g);
});

describe("kill -9 the worker while a container node runs", () => {
  it("the run finishes, each node has one final result, no output table has duplicate rows", async () => {
    const first = startWorker(g);
    workers.push(first);
    const { runId } = await run(g, "padma_feature", "killed");
    await expect.poll(() => logsOf(g.db, runId), { timeout: 60_000, interval: 100 }).toContain("started");
    first.kill("SIGKILL");
    workers.push(startWorker(g));

    const r = await waitForRun(g.db, runId, 90_000);
    expect(r.status, (await logsOf(g.db, runId)).slice(-3000)).toBe("succeeded");
    const nodes = await g.db.nodeRun.findMany({ where: { runId }, select: { nodeId: true, status: true } });
    // One final result per node: one row each, all succeeded (no second attempt row either).
    expect(nodes.map((n) => n.nodeId).sort()).toEqual(["after", "load", "prep"]);
    expect(nodes.every((n) => n.status === "succeeded")).toBe(true);

    const c = new pg.Client({ connectionString: `${g.adminUrl.replace(/\/[^/]*$/, "")}/${g.whPrefix}_dev` });
    await c.connect();
    try {
      const rows = await c.query("SELECT k, count(*)::int AS n FROM padma_feature.killed_rows WHERE run_id = $1 GROUP BY k ORDER BY k", [runId]);
      expect(rows.rows).toEqual([{ k: 1, n: 1 }, { k: 2, n: 1 }, { k: 3, n: 1 }]);
      const after = await c.query("SELECT rows FROM padma_feature.killed_after WHERE run_id = $1", [runId]);
      expect(after.rows).toEqual([{ rows: 3 }]);
    } finally {
      await c.end();
    }
    const logs = await logsOf(g.db, runId);
    // The next worker waited for the container the dead one left instead of starting another.
    expect(logs).toContain("outlived its worker");
    expect((logs.match(/^finished$/gm) ?? []).length).toBeLessThanOrEqual(1);
    // The adopting worker reads the container's output from its beginning, but the log goes on
    // where the dead worker's saved part ends: "started" (saved before the kill) is there once.
    expect(logs.match(/^started$/gm), logs.slice(-3000)).toHaveLength(1);
    expect(logs.match(/^inserted$/gm), logs.slice(-3000)).toHaveLength(1);
    expect(logs).toMatch(/its output continues after the 1 line\(s\) already saved/);
  });
});
