// A worker killed with SIGKILL mid-node: how long until another worker runs the node again.
// `pnpm bench worker-recovery [n]` (default 5 kills).
import { commit, logsOf, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun } from "../apps/worker/src/testing";
import { pct } from "./_pipelines";

const N = Number(process.argv[2] ?? 5);
const g = await setUpGalley("docker");
const workers: ReturnType<typeof startWorker>[] = [];
try {
  await commit(g, "padma_feature", {
    "pipelines/crash/pipeline.yaml": "name: crash\nnodes:\n  - id: slow\n    type: container\n    image: galley-runner:latest\n    command: [sh, -c, 'echo started; sleep 3; echo finished']\n",
  });
  workers.push(startWorker(g));
  const samples: number[] = [];
  for (let i = 0; i < N; i++) {
    const victim = workers.at(-1)!;
    const { runId } = await run(g, "padma_feature", "crash");
    while (!(await logsOf(g.db, runId)).includes("started")) await new Promise((r) => setTimeout(r, 25));
    victim.kill("SIGKILL");
    const killedAt = Date.now();
    workers.push(startWorker(g));
    while (((await logsOf(g.db, runId)).match(/\[galley\] attempt 1 on/g) ?? []).length < 2) await new Promise((r) => setTimeout(r, 25));
    samples.push(Date.now() - killedAt);
    const r = await waitForRun(g.db, runId);
    if (r.status !== "succeeded") throw new Error(`run ${runId} ${r.status}`);
  }
  console.log(`bench worker-recovery p50_ms=${pct(samples, 50)} p95_ms=${pct(samples, 95)} max_ms=${Math.max(...samples)} n=${samples.length}`);
} finally {
  for (const w of workers) await stopWorker(w, "SIGKILL");
  await tearDownGalley(g);
  process.exit(0);
}
