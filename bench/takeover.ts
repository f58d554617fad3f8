// Issue 11: SIGKILL of a host's worker → its running node running again on another host.
// Two `--role nodes` workers on two network-namespace hosts; each round kills the one holding a
// node and times until the other host has claimed it (node lease 8 s; BullMQ stall check ~10 s).
// `pnpm bench takeover [rounds]` (default 5). Target: p95 under 15 s.
import { commit, run, waitForRun } from "../apps/worker/src/testing";
import { setUpHostsGalley, sqlFanOut, waitUntil, type HostWorker } from "../tests/hosts/helpers/hosts-galley";
import { netnsUnavailable } from "../tests/hosts/helpers/netns";
import { pct } from "./_pipelines";

const ROUNDS = Number(process.argv[2] ?? 5);
const why = netnsUnavailable();
if (why) {
  console.error(`takeover needs network namespaces: ${why}`);
  process.exit(1);
}
const h = await setUpHostsGalley(2);
try {
  // One node per worker at a time, so the victim surely holds a node when it is killed.
  await commit(h.g, "dev", sqlFanOut("hold", 2, "select pg_sleep(6)"));
  const live: (HostWorker | null)[] = await Promise.all([h.start(0, "default", { concurrency: 1 }), h.start(1, "default", { concurrency: 1 })]);
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const { runId } = await run(h.g, "dev", "hold");
    const rows = () => h.g.db.nodeRun.findMany({ where: { runId }, select: { nodeId: true, status: true, workerId: true } });
    let victimIndex = -1;
    let nodeId = "";
    await waitUntil("a node running", async () => {
      const running = (await rows()).find((n) => n.status === "running");
      if (!running) return false;
      victimIndex = live.findIndex((w) => w?.workerId === running.workerId);
      nodeId = running.nodeId;
      return victimIndex >= 0;
    }, 120_000, 50);
    const victim = live[victimIndex]!;
    victim.child.kill("SIGKILL");
    const killedAt = performance.now();
    await victim.exited;
    await waitUntil("taken over", async () => {
      const n = (await rows()).find((r) => r.nodeId === nodeId);
      return !!n && n.workerId !== victim.workerId;
    }, 60_000, 50);
    samples.push((performance.now() - killedAt) / 1000);
    console.error(`round ${i + 1}: taken over after ${samples.at(-1)!.toFixed(1)} s`);
    const r = await waitForRun(h.g.db, runId, 120_000);
    if (r.status !== "succeeded") throw new Error(`run ${runId} ${r.status}`);
    live[victimIndex] = await h.start(victimIndex, "default", { concurrency: 1 });
  }
  console.log(`bench takeover p50_s=${pct(samples, 50)} p95_s=${pct(samples, 95)} max_s=${Math.round(Math.max(...samples) * 10) / 10} n=${samples.length}`);
} finally {
  await h.teardown();
  process.exit(0);
}
