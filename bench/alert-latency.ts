// A failing node → its alert delivered to a local webhook receiver (receipt time − node_runs.finished_at),
// through a real worker process (settle → outbox → alert.event → alert.deliver → HTTP).
// `pnpm bench alert-latency [runs]` (default 30).
import path from "node:path";
import { createAlertRoute, egressPolicy } from "@galley/alerts";
import { startHttpReceiver } from "@galley/alerts/testing";
import { loadKeyring } from "@galley/vault";
import { commit, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun } from "../apps/worker/src/testing";
import { pct } from "./_pipelines";

const N = Number(process.argv[2] ?? 30);
const g = await setUpGalley("local");
const receiver = await startHttpReceiver();
// The receiver listens on loopback: allowed for this worker, as an operator would.
g.env = { ...g.env, GALLEY_ALERT_ALLOW_HOSTS: "127.0.0.1" };
const worker = startWorker(g);
try {
  // Measure the steady state: wait until the worker is up (its first heartbeat).
  while ((await g.db.workerHeartbeat.count()) === 0) await new Promise((r) => setTimeout(r, 200));
  await commit(g, "dev", { "pipelines/breaks/pipeline.yaml": "name: breaks\nnodes:\n  - id: divide\n    type: sql\n    sql: select 1/0\n" });
  const u = await g.db.user.findUniqueOrThrow({ where: { email: "chris@galley.local" } });
  const keyring = loadKeyring({ kekFile: path.join(g.dataDir, "kek"), create: false });
  await createAlertRoute({ db: g.db, keyring, smtpConfigured: false, egress: egressPolicy("127.0.0.1") }, "dev", { kind: "slack", name: "bench", url: `${receiver.url}/bench`, events: ["run.failed"] }, { id: u.id, email: u.email, name: u.name, role: u.role });
  const samples: number[] = [];
  for (let i = 0; i < N; i++) {
    const { runId } = await run(g, "dev", "breaks");
    const r = await waitForRun(g.db, runId, 30_000);
    if (r.status !== "failed") throw new Error(`run ${runId} ${r.status}`);
    const end = Date.now() + 30_000;
    let got: number | undefined;
    while (!got && Date.now() < end) {
      got = receiver.received.find((x) => String((x.body as { text?: string }).text).includes(runId))?.at;
      if (!got) await new Promise((res) => setTimeout(res, 5));
    }
    if (!got) throw new Error(`no alert for run ${runId}`);
    const node = await g.db.nodeRun.findFirstOrThrow({ where: { runId, nodeId: "divide" } });
    samples.push(got - node.finishedAt!.getTime());
  }
  console.log(`bench alert-latency p99_ms=${Math.round(pct(samples, 99))} p50_ms=${Math.round(pct(samples, 50))} max_ms=${Math.round(Math.max(...samples))} n=${samples.length}`);
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await stopWorker(worker);
  await receiver.close();
  await tearDownGalley(g);
  process.exit(process.exitCode ?? 0);
}
