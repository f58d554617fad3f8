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
// The same no-op on Galley's node network, the default for environments (firewall rules checked
// and a bridge endpoint per container), with the warehouse port open as the worker asks for it.
const onGalley = await measureExecutorRun(executor, { iterations, warmups, spec: { networkMode: "galley", hostPorts: [5432] } });

const worker = await throughTheWorker(Math.min(iterations, 30));

const fields = {
  engine_start_p50_ms: round1(percentile(engine, 50)),
  // Dependency finished → next node's container running, through PostgreSQL, BullMQ and the worker
  // (on the environment's network: Galley's node network since issue 7, the host's before):
  // one interval per hop (claim_p50 + start_p50 are its two adjoining parts).
  p50_ms: round1(percentile(worker.hops, 50)),
  p99_ms: round1(percentile(worker.hops, 99)),
  claim_p50_ms: round1(percentile(worker.claim, 50)),
  start_p50_ms: round1(percentile(worker.start, 50)),
  hops: worker.hops.length,
  missing_hops: worker.missing,
  executor_start_p50_ms: round1(percentile(run.startMs, 50)),
  executor_start_p99_ms: round1(percentile(run.startMs, 99)),
  run_p50_ms: round1(percentile(run.runMs, 50)),
  run_p99_ms: round1(percentile(run.runMs, 99)),
  galley_net_executor_start_p50_ms: round1(percentile(onGalley.startMs, 50)),
  galley_net_executor_start_p99_ms: round1(percentile(onGalley.startMs, 99)),
  n: iterations,
};
console.log(`bench dispatch-docker ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(" ")}`);

/**
 * A chain of no-op container nodes run by a real worker. Per hop, one interval: the dependency's
 * finished_at to the time the worker logged the next node's container running (the log line's
 * own timestamp), split at the next node's claim into claim and start. A hop whose line is
 * missing is counted as missing, never turned into NaN.
 */
async function throughTheWorker(n: number): Promise<{ hops: number[]; claim: number[]; start: number[]; missing: number }> {
  const g = await setUpGalley("docker");
  const w = startWorker(g);
  try {
    await commit(g, "padma_feature", { "pipelines/chain_docker/pipeline.yaml": chainPipeline("chain_docker", n + 1, "local") });
    const { runId } = await startRun(g, "padma_feature", "chain_docker");
    const r = await waitForRun(g.db, runId, 300_000);
    if (r.status !== "succeeded") throw new Error(`chain_docker ${r.status}`);
    const nodes = await g.db.nodeRun.findMany({ where: { runId }, include: { logs: { where: { stream: "system" } } } });
    const byId = new Map(nodes.map((x) => [x.nodeId, x]));
    const out = { hops: [] as number[], claim: [] as number[], start: [] as number[], missing: 0 };
    for (let i = 1; i <= n; i++) {
      const prev = byId.get(`n${i - 1}`)!;
      const cur = byId.get(`n${i}`)!;
      const running = cur.logs.find((l) => / running after \d+ ms$/.test(l.line));
      if (!running || !prev.finishedAt || !cur.startedAt) {
        out.missing++;
        continue;
      }
      out.hops.push(running.at.getTime() - prev.finishedAt.getTime());
      out.claim.push(cur.startedAt.getTime() - prev.finishedAt.getTime());
      out.start.push(running.at.getTime() - cur.startedAt.getTime());
    }
    return out;
  } finally {
    await stopWorker(w);
    await tearDownGalley(g);
  }
}
process.exit(0);
