// Dispatch overhead: a dependency finishing → the next node starting, through PostgreSQL, the
// outbox, BullMQ and the worker. Chains of no-op SQL nodes and local-executor nodes.
import { commit, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun } from "../apps/worker/src/testing";
import { chainPipeline, pct } from "./_pipelines";

const N = Number(process.argv[2] ?? 100);
const g = await setUpGalley("local");
const worker = startWorker(g);
try {
  await commit(g, "padma_feature", {
    "pipelines/chain_sql/pipeline.yaml": chainPipeline("chain_sql", N, "sql"),
    "pipelines/chain_local/pipeline.yaml": chainPipeline("chain_local", Math.min(N, 50), "local"),
  });
  // Warm-up: connections, pools, BullMQ scripts.
  await waitForRun(g.db, (await run(g, "padma_feature", "chain_sql")).runId, 120_000);
  for (const [label, pipeline] of [["sql", "chain_sql"], ["local", "chain_local"]] as const) {
    const { runId } = await run(g, "padma_feature", pipeline);
    const r = await waitForRun(g.db, runId, 300_000);
    if (r.status !== "succeeded") throw new Error(`${pipeline} ${r.status}: ${JSON.stringify(r.nodes).slice(0, 500)}`);
    const nodes = await g.db.nodeRun.findMany({ where: { runId }, select: { nodeId: true, startedAt: true, finishedAt: true } });
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    const gaps: number[] = [];
    for (let i = 1; i < nodes.length; i++) {
      const prev = byId.get(`n${i - 1}`)!;
      const cur = byId.get(`n${i}`)!;
      gaps.push(cur.startedAt!.getTime() - prev.finishedAt!.getTime());
    }
    const key = label === "sql" ? "" : "local_";
    console.log(`bench dispatch-local ${key}p50_ms=${pct(gaps, 50)} ${key}p99_ms=${pct(gaps, 99)} ${key}n=${gaps.length}`);
  }
} finally {
  await stopWorker(worker);
  await tearDownGalley(g);
  process.exit(0);
}
