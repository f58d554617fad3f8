// Starts the web app (server/server.mjs: Next behind our own node:http server) on PORT (3000),
// GALLEY_WEB_HOST (every interface unless set). With GALLEY_WEB_PROCESSES=N
// (N > 1), N processes serve the same port through Node's cluster module: the primary accepts
// connections and hands them to the processes in turn (round robin), and restarts one that dies.
// The processes share nothing but PostgreSQL and Redis (each has its own pool, LISTEN connection
// and caches, kept right by NOTIFY), so any request can go to any of them. This is the launcher,
// before the app and its configuration are loaded: it reads only PORT, GALLEY_WEB_HOST and GALLEY_WEB_PROCESSES.
import cluster from "node:cluster";

const processes = Math.max(1, Math.min(64, Number.parseInt(process.env.GALLEY_WEB_PROCESSES ?? "1", 10) || 1));

if (processes > 1 && cluster.isPrimary) {
  // Round robin by the primary: the kernel's own balancing of a shared socket favours one process.
  cluster.schedulingPolicy = cluster.SCHED_RR;
  let stopping = false;
  for (let i = 0; i < processes; i++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    console.error(`[galley] web process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(() => cluster.fork(), 1_000);
  });
  for (const sig of ["SIGTERM", "SIGINT"]) {
    process.on(sig, () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(sig);
      setTimeout(() => process.exit(0), 10_000).unref();
      cluster.on("exit", () => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(0));
    });
  }
} else {
  await import("./server/server.mjs");
}
