// Docker dispatch: the engine's bare container cycle, and DockerExecutor's overhead up to a
// running container and for a whole no-op node. Usage: pnpm bench dispatch-docker [iterations]
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DockerExecutor } from "@galley/executor";
import { measureEngineStart, measureExecutorRun, percentile, round1 } from "../packages/executor/src/bench-helpers";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const iterations = Number(process.argv[2] ?? 30);
const warmups = 3;

execFileSync("bash", [path.join(root, "scripts/ensure-docker.sh")], { stdio: "inherit" });
execFileSync("bash", [path.join(root, "docker/runner/build.sh")], { stdio: ["ignore", "ignore", "inherit"] });

const engine = await measureEngineStart({ iterations, warmups });
const executor = new DockerExecutor();
await executor.killOrphans({ runId: `bench-${process.pid}` });
const run = await measureExecutorRun(executor, { iterations, warmups });

const fields = {
  engine_start_p50_ms: round1(percentile(engine, 50)),
  p50_ms: round1(percentile(run.startMs, 50)),
  p99_ms: round1(percentile(run.startMs, 99)),
  run_p50_ms: round1(percentile(run.runMs, 50)),
  run_p99_ms: round1(percentile(run.runMs, 99)),
  n: iterations,
};
console.log(`bench dispatch-docker ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(" ")}`);
