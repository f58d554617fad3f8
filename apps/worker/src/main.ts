// The worker: dispatches the outbox to BullMQ, executes its pool's nodes, reconciles what Redis
// lost, delivers alerts, ticks schedules, and writes a heartbeat that /api/health reports.
// `--role nodes` is a worker host: PostgreSQL, Redis and its own Docker engine only, no repository.
import { readFileSync } from "node:fs";
import os from "node:os";
import { createLogger, loadConfig } from "@galley/core";
import { getDb, tryLeadership } from "@galley/db";
import { createExecutor, nodeNetworkSettings } from "@galley/executor";
import { AnalyticsRepo } from "@galley/git";
import { assertNoEviction, connectRedis, createQueues, createWorker, startOutboxDispatcher } from "@galley/queue";
import { executeNode, reconcileRuns } from "@galley/runs";
import { loadKeyring, resolveGalleyCredentials, resolveSecrets } from "@galley/vault";
import { EnvironmentWarehouses, JANITOR_LOCK, startJanitor, viewJournal, warehouseSchemas } from "@galley/kitchens";
import { SCHEDULE_MERGE_DRIVERS } from "@galley/schedules";
import { prepareDeclaredWrites, runSql, withTestSession } from "@galley/warehouse";
import { repoSource } from "./repo-source";
import { NodeWarehouses } from "./node-warehouses";
import { runMaintenance } from "./maintenance";
import { startAlertsAndSchedules } from "./alerts-and-schedules";
import { flagsAsEnv } from "./args";

const config = loadConfig({ ...process.env, ...flagsAsEnv(process.argv.slice(2)) });
const pool = config.GALLEY_WORKER_POOL;
const isHost = config.GALLEY_WORKER_ROLE === "nodes";
const logger = createLogger({ app: "worker", pool });
const workerId = `${os.hostname()}:${process.pid}`;
const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

async function main() {
  const db = getDb(config.DATABASE_URL);
  const redis = await connectRedis(config.REDIS_URL, "worker", { logger });
  await assertNoEviction(redis);
  // A worker host never creates a key (it would encrypt nothing anyone else can read) nor a repository.
  const keyring = loadKeyring({ kek: config.GALLEY_KEK, oldKeks: config.GALLEY_KEK_OLD, kekFile: config.kekFile, create: !isHost, poolKeks: config.GALLEY_POOL_KEKS });
  const repo = isHost ? null : await AnalyticsRepo.init(config.repoDir, { defaultBranch: "production", mergeDrivers: SCHEDULE_MERGE_DRIVERS });
  const executor = createExecutor(config.GALLEY_EXECUTOR, { nodeSubnet: config.GALLEY_NODE_SUBNET, socketPath: config.GALLEY_DOCKER_SOCKET });
  const ping = await executor.ping();
  if (!ping.ok) logger.warn("executor unavailable: container nodes will fail until it is back", { executor: executor.kind, reason: ping.reason });
  const queues = createQueues({ connection: redis, prefix: config.GALLEY_QUEUE_PREFIX });
  const stop = new AbortController();
  const dispatcher = startOutboxDispatcher({ db, queues, intervalMs: 500, signal: stop.signal, listenUrl: config.DATABASE_URL, logger });
  const dispatchNow = () => void dispatcher.dispatchNow().catch((e) => logger.warn("dispatch failed", { err: e }));
  // Galley's warehouse password is read apart from pipeline secrets (audited, never given to a node).
  const warehouses = new NodeWarehouses(
    db,
    keyring,
    (environmentId) => resolveGalleyCredentials({ db, keyring }, { environmentId }),
    config.GALLEY_EXECUTOR === "docker" ? nodeNetworkSettings(config.GALLEY_NODE_SUBNET) : undefined,
    (message, err) => logger.warn(message, { err }),
  );
  // Runs carry their files (frozen when planned); the repository is only read for older runs.
  const source = repo ? repoSource(repo) : undefined;

  const nodeWorker = createWorker(
    "node.execute",
    async (payload) => {
      await executeNode(
        {
          db, workerId, source, executor, dispatchNow, logger,
          resolveSecrets: (q) => resolveSecrets({ db, keyring }, q),
          runSql: async (q) => {
            const wh = await warehouses.get(q.environmentId);
            // The user's SQL runs logged in as the Kitchen's role; Galley's user only does copy on
            // first write and rebinding other schemas' views around it.
            const as = await warehouses.asKitchen(q.environmentId, q.schema);
            // Children's view definitions are saved in Galley's database before they are moved aside.
            const journal = viewJournal(db, q.environmentId);
            const r = await runSql(wh, { schema: q.schema, sql: q.sql, timeoutMs: q.timeoutMs, onNotice: q.onLog, source: q.source, as, journal }).finally(() => as.close().catch(() => {}));
            if (r.materialised.length) q.onLog(`copy on first write: ${r.materialised.join(", ")} became tables of this Kitchen`);
            if (r.views.lost.length) q.onLog(`views of other Kitchens left absent (their table is gone): ${r.views.lost.map((l) => `${l.view} (${l.reason})`).join("; ")}`);
            return { statements: r.statements, ms: Math.round(r.ms) };
          },
          warehouseEnv: (envId, schema) => warehouses.connectionEnv(envId, schema),
          prepareWrites: async (envId, schema, tables) => (await prepareDeclaredWrites(await warehouses.get(envId), schema, tables)).materialised,
          // Data tests read as the Kitchen's role, like the node itself: never Galley's user.
          withTestSession: async (q, fn) => {
            const as = await warehouses.asKitchen(q.environmentId, q.schema);
            try {
              return await withTestSession(as, { schema: q.schema, timeoutMs: q.timeoutMs }, fn);
            } finally {
              await as.close().catch(() => {});
            }
          },
        },
        payload,
      );
    },
    { connection: redis, prefix: config.GALLEY_QUEUE_PREFIX, concurrency: config.WORKER_CONCURRENCY, logger, pool },
  );

  // Schedules start runs (planned from the repository) and alerts link to the web app: control-plane duties.
  const alertsAndSchedules = repo && source
    ? await startAlertsAndSchedules({ db, config, redis, keyring, repo, source, executor: executor.kind, dispatchNow, signal: stop.signal, logger })
    : { close: async () => {} };

  // Every worker ticks; only the holder of the reconciler's advisory lock works (see reconcileRuns).
  let reconciling = false;
  const reconcile = setInterval(() => {
    if (reconciling) return;
    reconciling = true;
    reconcileRuns({
      db, dispatchNow,
      jobState: (id, p) => queues.jobState("node.execute", id, p),
      removeFinishedJob: (id, p) => queues.removeFinished("node.execute", id, p),
    })
      .then((r) => (r.requeued || r.cancelled) && logger.info("reconciled", { ...r }))
      .catch((e) => logger.warn("reconcile failed", { err: e }))
      .finally(() => (reconciling = false));
  }, 5_000);
  const maintain = () =>
    runMaintenance({ db, repo: repo ?? undefined, config, logger })
      .then((r) => r.leader && logger.info("maintenance done", r.pruned))
      .catch((e) => logger.warn("maintenance failed", { err: e }));
  const maintenance = setInterval(maintain, config.GALLEY_MAINTENANCE_MINUTES * 60_000);
  void maintain();
  // Finishes or undoes Kitchen operations and view moves whose process died (one leader at a time).
  const janitorWarehouses = new EnvironmentWarehouses(db, { keyring: () => keyring, applicationName: "galley-janitor" });
  const janitor = repo
    ? startJanitor(
        { db, git: repo, warehouses: janitorWarehouses, schemas: warehouseSchemas, logger },
        { leader: () => tryLeadership(config.DATABASE_URL, JANITOR_LOCK) },
      )
    : { stop: () => {} };
  let draining = false;
  const beat = async () => {
    await db.workerHeartbeat
      .upsert({
        where: { workerId },
        update: { beatAt: new Date(), draining },
        create: { workerId, hostname: os.hostname(), pid: process.pid, pool, version, draining },
      })
      .catch(() => {});
  };
  await beat();
  const heartbeat = setInterval(beat, 5_000);
  logger.info("worker started", { workerId, pool, role: config.GALLEY_WORKER_ROLE, executor: executor.kind, concurrency: config.WORKER_CONCURRENCY });

  // SIGTERM drains: the node worker takes no more jobs and waits for its running nodes (their
  // leases keep being renewed meanwhile); then everything else stops. The heartbeat says draining.
  const shutdown = async (signal: string) => {
    if (draining) return;
    draining = true;
    logger.info("worker draining", { signal });
    await beat();
    clearInterval(reconcile);
    clearInterval(maintenance);
    janitor.stop();
    // Schedules and the dispatcher stop at once, as before draining existed: other workers'
    // dispatchers send what the finishing nodes queue.
    stop.abort();
    await nodeWorker.close();
    logger.info("worker drained: running nodes finished", { signal });
    clearInterval(heartbeat);
    await alertsAndSchedules.close();
    await warehouses.closeAll();
    await janitorWarehouses.closeAll();
    await queues.close();
    await db.workerHeartbeat.delete({ where: { workerId } }).catch(() => {});
    redis.disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((e) => {
  logger.error("worker failed to start", { err: e });
  process.exit(1);
});
