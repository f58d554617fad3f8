// Issue 11: the 500-node no-op SQL run on 1, 2 and 3 worker hosts (network namespaces, each a
// `--role nodes` worker reaching PostgreSQL and Redis over a veth pair; see tests/hosts).
// `pnpm bench hosts-throughput [nodes]`. On a 2-core machine every host shares the same two
// cores (and PostgreSQL), so the gain from more hosts is bounded; the CPU each process used is
// printed next to the rates so the bound can be seen.
import { commit, run, waitForRun } from "../apps/worker/src/testing";
import { setUpHostsGalley, sqlFanOut, type HostWorker } from "../tests/hosts/helpers/hosts-galley";
import { netnsUnavailable } from "../tests/hosts/helpers/netns";
import { cpuSeconds, postgresCpuSeconds } from "./_proc-cpu";

const NODES = Number(process.argv[2] ?? 500);
const why = netnsUnavailable();
if (why) {
  console.error(`hosts-throughput needs network namespaces: ${why}`);
  process.exit(1);
}
const h = await setUpHostsGalley(3);
const out: Record<string, number> = {};
try {
  await commit(h.g, "dev", sqlFanOut("noop", NODES, "select 1"));
  // Warm-up: Kitchen role ensured, plans cached, tsx compiled.
  for (let hosts = 1; hosts <= 3; hosts++) {
    const workers: HostWorker[] = await Promise.all(Array.from({ length: hosts }, (_, i) => h.start(i, "default", { concurrency: 8 })));
    const warm = await run(h.g, "dev", "noop", { selection: { kind: "node", node: "n001" } });
    await waitForRun(h.g.db, warm.runId, 120_000);
    const cpu0 = workers.map((w) => cpuSeconds(w.child.pid!));
    const self0 = process.cpuUsage();
    const pg0 = postgresCpuSeconds();
    const t0 = performance.now();
    const { runId } = await run(h.g, "dev", "noop");
    const r = await waitForRun(h.g.db, runId, 600_000);
    if (r.status !== "succeeded") throw new Error(`run ${runId} ${r.status}`);
    const row = await h.g.db.run.findUniqueOrThrow({ where: { id: runId }, select: { createdAt: true, finishedAt: true } });
    const seconds = (row.finishedAt!.getTime() - row.createdAt.getTime()) / 1000;
    const wall = (performance.now() - t0) / 1000;
    out[`nodes_per_s_${hosts}`] = Math.round((NODES / seconds) * 10) / 10;
    workers.forEach((w, i) => (out[`cpu_s_${hosts}_host${i}`] = Math.round((cpuSeconds(w.child.pid!) - cpu0[i]) * 10) / 10));
    const self = process.cpuUsage(self0);
    out[`cpu_s_${hosts}_control`] = Math.round((self.user + self.system) / 1e5) / 10;
    out[`cpu_s_${hosts}_postgres_all`] = Math.round((postgresCpuSeconds() - pg0) * 10) / 10;
    out[`wall_s_${hosts}`] = Math.round(wall * 10) / 10;
    console.error(`${hosts} host(s): ${NODES} nodes in ${seconds.toFixed(1)} s`);
    for (const w of workers) w.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.exited));
  }
  console.log(`bench hosts-throughput ${Object.entries(out).map(([k, v]) => `${k}=${v}`).join(" ")} nodes=${NODES} cores=2_shared`);
} finally {
  await h.teardown();
  process.exit(0);
}
