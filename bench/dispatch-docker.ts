// Docker dispatch: the engine's bare container cycle, and DockerExecutor's overhead up to a
// running container and for a whole no-op node. Usage: pnpm bench dispatch-docker [iterations]
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DockerExecutor } from "@galley/executor";
import { measureEngineStart, measureExecutorRun, percentile, round1 } from "../packages/executor/src/bench-helpers";
import { commit, run as startRun, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun } from "../apps/worker/src/testing";
import { chainPipeline } from "./_pipelines";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const iterations = Number(process.argv[2] ?? 30);
const warmups = 3;

execFileSync("bash", [path.join(root, "scripts/ensure-docker.sh")], { stdio: "inherit" });
execFileSync("bash", [path.join(root, "docker/runner/build.sh")], { stdio: ["ignore", "ignore", "inherit"] });

const engine = await measureEngineStart({ iterations, warmups });
const executor = new DockerExecutor();
await executor.killOrphans({ runId: `bench-${process.pid}` });
const run = await measureExecutorRun(executor, { iterations, warmups });

const worker = await throughTheWorker(Math.min(iterations, 30));

const fields = {
  engine_start_p50_ms: round1(percentile(engine, 50)),
  // Dependency finished → next node's container running, through PostgreSQL, BullMQ and the worker.
  p50_ms: round1(percentile(worker, 50)),
  p99_ms: round1(percentile(worker, 99)),
  executor_start_p50_ms: round1(percentile(run.startMs, 50)),
  executor_start_p99_ms: round1(percentile(run.startMs, 99)),
  run_p50_ms: round1(percentile(run.runMs, 50)),
  run_p99_ms: round1(percentile(run.runMs, 99)),
  n: iterations,
};
console.log(`bench dispatch-docker ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(" ")}`);

/** A chain of no-op container nodes run by a real worker: per hop, the gap between a node's end and
 * the next node's claim, plus that node's container start (logged by the worker). */
async function throughTheWorker(n: number): Promise<number[]> {
  const g = await setUpGalley("docker");
  const w = startWorker(g);
  try {
    await commit(g, "padma_feature", { "pipelines/chain_docker/pipeline.yaml": chainPipeline("chain_docker", n + 1, "local") });
    const { runId } = await startRun(g, "padma_feature", "chain_docker");
    const r = await waitForRun(g.db, runId, 300_000);
    if (r.status !== "succeeded") throw new Error(`chain_docker ${r.status}`);
    const nodes = await g.db.nodeRun.findMany({ where: { runId }, include: { logs: { where: { stream: "system" } } } });
    const byId = new Map(nodes.map((x) => [x.nodeId, x]));
    const hops: number[] = [];
    for (let i = 1; i <= n; i++) {
      const prev = byId.get(`n${i - 1}`)!;
      const cur = byId.get(`n${i}`)!;
      const started = cur.logs.map((l) => /running after (\d+) ms/.exec(l.line)?.[1]).find(Boolean);
      hops.push(cur.startedAt!.getTime() - prev.finishedAt!.getTime() + Number(started));
    }
    return hops;
  } finally {
    await stopWorker(w);
    await tearDownGalley(g);
  }
}
process.exit(0);
