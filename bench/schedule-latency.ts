// A schedule's tick → its run's first node running (node_runs.started_at − schedule_ticks.tick_at),
// through a real worker process (ticker, outbox, BullMQ, node claim). `pnpm bench schedule-latency [ticks]`
// (default 30; a seconds-level cron every 2 s, so about a minute).
import { saveSchedule, setScheduleEnabled } from "@galley/schedules";
import { commit, setUpGalley, startWorker, stopWorker, tearDownGalley } from "../apps/worker/src/testing";
import { pct } from "./_pipelines";

const N = Number(process.argv[2] ?? 30);
const g = await setUpGalley("local");
const worker = startWorker(g);
try {
  // Measure the steady state: wait until the worker is up (its first heartbeat).
  while ((await g.db.workerHeartbeat.count()) === 0) await new Promise((r) => setTimeout(r, 200));
  await commit(g, "dev", { "pipelines/tick/pipeline.yaml": "name: tick\nnodes:\n  - id: one\n    type: sql\n    sql: select 1\n" });
  const u = await g.db.user.findUniqueOrThrow({ where: { email: "chris@galley.local" } });
  const chris = { id: u.id, email: u.email, name: u.name, role: u.role };
  await saveSchedule({ db: g.db, git: g.repo }, "dev", { name: "bench_tick", pipeline: "tick", cron: "*/2 * * * * *", timezone: "UTC", parameters: {}, enable: true }, chris);
  const s = await g.db.schedule.findFirstOrThrow({ where: { name: "bench_tick" } });
  const deadline = Date.now() + N * 2_000 + 60_000;
  let samples: number[] = [];
  while (Date.now() < deadline) {
    const rows = await g.db.$queryRaw<{ ms: number }[]>`
      SELECT (extract(epoch FROM min(n.started_at) - t.tick_at) * 1000)::float8 AS ms
      FROM schedule_ticks t JOIN node_runs n ON n.run_id = t.run_id
      WHERE t.schedule_id = ${s.id}::uuid AND n.started_at IS NOT NULL GROUP BY t.id, t.tick_at`;
    samples = rows.map((r) => r.ms);
    if (samples.length >= N) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await setScheduleEnabled({ db: g.db }, "dev", "bench_tick", false, chris);
  const skipped = await g.db.scheduleTick.count({ where: { scheduleId: s.id, status: { not: "started" } } });
  console.log(`bench schedule-latency p99_ms=${Math.round(pct(samples, 99))} p50_ms=${Math.round(pct(samples, 50))} max_ms=${Math.round(Math.max(...samples))} n=${samples.length} not_started=${skipped}`);
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await stopWorker(worker);
  await tearDownGalley(g);
  process.exit(process.exitCode ?? 0);
}
