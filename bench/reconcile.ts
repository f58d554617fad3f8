// Redis loses 1,000 queued jobs (a restart without persistence): how long until two workers'
// reconciler (one leader at a time) has every node done, and how many nodes ran or were queued
// more than once. `pnpm bench reconcile [nodes]` (default 1000).
import { writeFileSync } from "node:fs";
import os from "node:os";
import { createLogger } from "@galley/core";
import { connectRedis, createQueues, dispatchOutboxBatch } from "@galley/queue";
import { commit, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun } from "../apps/worker/src/testing";

const N = Number(process.argv[2] ?? 1000);
const g = await setUpGalley("local");
const workers: ReturnType<typeof startWorker>[] = [];
const redis = await connectRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", "producer");
const queues = createQueues({ connection: redis, prefix: g.env.GALLEY_QUEUE_PREFIX! });
try {
  const lines = ["name: lost", "nodes:"];
  for (let i = 0; i < N; i++) lines.push(`  - id: n${i}`, "    type: sql", "    sql: select 1");
  await commit(g, "padma_feature", { "pipelines/lost/pipeline.yaml": lines.join("\n") + "\n" });
  const { runId } = await run(g, "padma_feature", "lost");
  // The dispatcher moves every job to Redis; then Redis restarts empty, before any worker takes one.
  const quiet = createLogger({}, "error");
  while ((await dispatchOutboxBatch(g.db, queues, quiet)).count > 0);
  const counts = await queues.counts("node.execute");
  if (counts.waiting !== N) throw new Error(`expected ${N} waiting jobs, found ${JSON.stringify(counts)}`);
  const keys = await redis.keys(`${g.env.GALLEY_QUEUE_PREFIX}:*`);
  await redis.del(...keys);

  const t0 = Date.now();
  workers.push(startWorker(g), startWorker(g));
  const r = await waitForRun(g.db, runId, 15 * 60_000);
  const recoveryS = (Date.now() - t0) / 1000;
  if (r.status !== "succeeded") throw new Error(`run ${runId} ${r.status}`);
  // Executions: every claim of a node writes one "[galley] attempt" line.
  const runsPerNode = await g.db.$queryRaw<{ node_id: string; executions: number }[]>`
    SELECT n.node_id, count(l.id)::int AS executions FROM node_runs n
    LEFT JOIN node_logs l ON l.node_run_id = n.id AND l.stream = 'system' AND l.line LIKE '[galley] attempt %'
    WHERE n.run_id = ${runId}::uuid GROUP BY n.node_id`;
  const extraExecutions = runsPerNode.reduce((s, x) => s + Math.max(0, x.executions - 1), 0);
  const notRun = runsPerNode.filter((x) => x.executions === 0).length;
  // Enqueues: the original row plus at most one re-enqueue per node, always under the node's id.
  const jobs = await g.db.$queryRaw<{ job_id: string; n: number }[]>`
    SELECT job_id, count(*)::int AS n FROM outbox WHERE job_id LIKE ${`node:${runId}:%`} GROUP BY job_id`;
  const extraEnqueues = jobs.reduce((s, j) => s + Math.max(0, j.n - 2), 0) + Math.max(0, jobs.length - N);
  // Where the time goes: worker start and the reconciler noticing the loss, then the nodes themselves.
  const [tl] = await g.db.$queryRaw<{ first_start: Date; last_finish: Date; node_p50_ms: number; node_p99_ms: number }[]>`
    SELECT min(started_at) AS first_start, max(finished_at) AS last_finish,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at) * 1000) AS node_p50_ms,
      percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at) * 1000) AS node_p99_ms
    FROM node_runs WHERE run_id = ${runId}::uuid`;
  const firstStartS = (tl.first_start.getTime() - t0) / 1000;
  const nodesS = (tl.last_finish.getTime() - tl.first_start.getTime()) / 1000;
  console.log(`bench reconcile first_node_started_s=${firstStartS.toFixed(1)} nodes_s=${nodesS.toFixed(1)} node_p50_ms=${Math.round(tl.node_p50_ms)} node_p99_ms=${Math.round(tl.node_p99_ms)} load1=${os.loadavg()[0].toFixed(2)}`);
  console.log(`bench reconcile nodes=${N} duplicates=${extraExecutions + extraEnqueues} extra_executions=${extraExecutions} extra_enqueues=${extraEnqueues} not_run=${notRun} recovery_s=${recoveryS.toFixed(1)}`);
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  for (const w of workers) await stopWorker(w);
  // The workers' own logs, for a look at where a slow recovery spent its time.
  if (process.env.BENCH_WORKER_LOG) workers.forEach((w, i) => writeFileSync(`${process.env.BENCH_WORKER_LOG}.${i}`, w.output.join("")));
  await queues.close();
  redis.disconnect();
  await tearDownGalley(g);
  process.exit(process.exitCode ?? 0);
}
