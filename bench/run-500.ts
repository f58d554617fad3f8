// A run of 500 no-op SQL nodes in a wide-and-deep DAG (25 layers × 20, fan-in 2), then a Docker
// run of 60 container nodes for the containers-per-second figure. `pnpm bench run-500 [--no-docker]`.
import { commit, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun } from "../apps/worker/src/testing";
import { wideDeepPipeline } from "./_pipelines";

const docker = !process.argv.includes("--no-docker");
const g = await setUpGalley(docker ? "docker" : "local");
g.env.WORKER_CONCURRENCY = process.env.WORKER_CONCURRENCY ?? "16";
const worker = startWorker(g);
try {
  await commit(g, "padma_feature", {
    "pipelines/wide_sql/pipeline.yaml": wideDeepPipeline("wide_sql", 25, 20, "sql"),
    "pipelines/wide_docker/pipeline.yaml": wideDeepPipeline("wide_docker", 6, 10, "docker"),
  });
  await waitForRun(g.db, (await run(g, "padma_feature", "wide_sql", { selection: { kind: "node", node: "l0_0" } })).runId);
  const timed = async (pipeline: string) => {
    const { runId } = await run(g, "padma_feature", pipeline);
    const r = await waitForRun(g.db, runId, 600_000);
    if (r.status !== "succeeded") throw new Error(`${pipeline}: ${r.status}`);
    const row = await g.db.run.findUniqueOrThrow({ where: { id: runId }, select: { createdAt: true, finishedAt: true } });
    return { seconds: (row.finishedAt!.getTime() - row.createdAt.getTime()) / 1000, nodes: Object.keys(r.nodes).length };
  };
  const s = await timed("wide_sql");
  console.log(`bench run-500 total_s=${s.seconds.toFixed(2)} nodes_per_s=${(s.nodes / s.seconds).toFixed(1)} nodes=${s.nodes}`);
  if (docker) {
    const d = await timed("wide_docker");
    console.log(`bench run-500 docker_total_s=${d.seconds.toFixed(2)} docker_nodes_per_s=${(d.nodes / d.seconds).toFixed(2)} docker_nodes=${d.nodes}`);
  }
} finally {
  await stopWorker(worker);
  await tearDownGalley(g);
  process.exit(0);
}
