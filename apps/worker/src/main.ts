// The worker: dispatches the outbox to BullMQ, executes its pool's nodes, reconciles what Redis
// lost, delivers alerts, ticks schedules, and writes a heartbeat that /api/health reports.
// `--role nodes` is a worker host: PostgreSQL, Redis and its own Docker engine only, no repository.
import { readFileSync } from "node:fs";
import os from "node:os";
import { createLogger, loadConfig } from "@galley/core";
import { getDb, tryLeadership } from "@galley/db";
import { createExecutor, nodeNetworkSettings } from "@galley/executor";
import { AnalyticsRepo } from "@galley/git";
import { assertNoEviction, connectRedis, createQueues, createWorker, JobHandedBack, startOutboxDispatcher } from "@galley/queue";
import { executeNode, reconcileRuns } from "@galley/runs";
import { createKeyring, loadKeyring, resolveGalleyCredentials, resolveSecrets, type Keyring } from "@galley/vault";
import { beatWorker, markWorkerStopped, poolCapacity, registerWorker } from "@galley/workers";
import { EnvironmentWarehouses, JANITOR_LOCK, recordLostViews, startJanitor, viewJournal, warehouseSchemas } from "@galley/kitchens";
import { SCHEDULE_MERGE_DRIVERS } from "@galley/schedules";
import { prepareDeclaredWrites, runSql, withTestSession } from "@galley/warehouse";
import { repoSource } from "./repo-source";
import { NodeWarehouses } from "./node-warehouses";
import { runMaintenance } from "./maintenance";
import { startAlertsAndSchedules } from "./alerts-and-schedules";
import { flagsAsEnv } from "./args";
import { workerToken } from "./credential";

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
  // A worker host never creates a key (it would encrypt nothing anyone else can read) nor a
  // repository: its pool's keys come sealed in its credential (GALLEY_KEK, when set, wins).
  const ownKeyring = isHost && !config.GALLEY_KEK ? null : loadKeyring({ kek: config.GALLEY_KEK, oldKeks: config.GALLEY_KEK_OLD, kekFile: config.kekFile, create: !isHost, poolKeks: config.GALLEY_POOL_KEKS });
  const repo = isHost ? null : await AnalyticsRepo.init(config.repoDir, { defaultBranch: "production", mergeDrivers: SCHEDULE_MERGE_DRIVERS });
  // No credential, a wrong one, a revoked one, or another pool's: refuse to start (the message says why).
  const token = await workerToken(config, { db, keyring: ownKeyring });
  const register = () => registerWorker({ db }, { token, pool, workerId, hostname: os.hostname(), pid: process.pid, version, role: config.GALLEY_WORKER_ROLE });
  const registration = await register();
  const keyring: Keyring = ownKeyring ?? createKeyring(registration.keys[0], registration.keys.slice(1));
  const executor = createExecutor(config.GALLEY_EXECUTOR, { nodeSubnet: config.GALLEY_NODE_SUBNET, socketPath: config.GALLEY_DOCKER_SOCKET });
  const ping = await executor.ping();
  if (!ping.ok) logger.warn("executor unavailable: container nodes will fail until it is back", { executor: executor.kind, reason: ping.reason });
  const queues = createQueues({ connection: redis, prefix: config.GALLEY_QUEUE_PREFIX });
  // The pool's capacity limit is on its queue before this worker takes a job (then kept in step by the heartbeat).
  await queues.setConcurrencyLimit("node.execute", pool, await poolCapacity({ db }, pool));
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

  // Nodes running here now (the heartbeat reports it; the admin page shows it).
  let running = 0;
  let draining = false;
  let revoked = false;
  let shutdown: ((reason: string, exitCode?: number) => Promise<void>) | null = null;
  // Revoked: take no new node, finish the running ones, exit 78 (EX_CONFIG: a restart would be refused too).
  const counted = async <T,>(work: Promise<T>): Promise<T> => {
    running++;
    try {
      return await work;
    } finally {
      running--;
    }
  };
  const onRevoked = (seenBy: string) => {
    if (revoked) return;
    revoked = true;
    logger.error("worker credential revoked: taking no new node, finishing the running ones, then exiting", { seenBy, credentialId: registration.credentialId, running });
    // Before start-up is over, shutdown does not exist yet: it is called as soon as it does.
    void shutdown?.("credential revoked", 78);
  };
  const nodeWorker = createWorker(
    "node.execute",
    async (payload) => {
      // A job taken after the credential was revoked goes back to the pool's queue, not run here:
      // the claim itself checks the credential (one statement), so no node starts after a revocation.
      if (revoked) throw new JobHandedBack("worker credential revoked");
      const result = await counted(executeNode(
        {
          db, workerId, source, executor, dispatchNow, logger, credentialId: registration.credentialId,
          resolveSecrets: (q) => resolveSecrets({ db, keyring }, q),
          runSql: async (q) => {
            const wh = await warehouses.get(q.environmentId);
            // The user's SQL runs logged in as the Kitchen's role; Galley's user only does copy on
            // first write and rebinding other schemas' views around it.
            const as = await warehouses.asKitchen(q.environmentId, q.schema);
            // Children's view definitions are saved in Galley's database before they are moved aside.
            const journal = viewJournal(db, q.environmentId);
            const r = await runSql(wh, { schema: q.schema, sql: q.sql, timeoutMs: q.timeoutMs, onNotice: q.onLog, source: q.source, as, journal });
            if (r.materialised.length) q.onLog(`copy on first write: ${r.materialised.join(", ")} became tables of this Kitchen`);
            if (r.views.lost.length) {
              q.onLog(`views of other Kitchens left absent (their table is gone): ${r.views.lost.map((l) => `${l.view} (${l.reason})`).join("; ")}; they come back when it does`);
              // The janitor restores them (syncKitchenViews) once the table is back.
              await recordLostViews(db, q.environmentId, r.views.lost).catch((e) => logger.warn("recording lost views failed", { err: e }));
            }
            return { statements: r.statements, ms: Math.round(r.ms) };
          },
          warehouseEnv: (envId, schema) => warehouses.connectionEnv(envId, schema),
          prepareWrites: async (envId, schema, tables) => (await prepareDeclaredWrites(await warehouses.get(envId), schema, tables)).materialised,
          // Data tests read as the Kitchen's role, like the node itself: never Galley's user.
          withTestSession: async (q, fn) => {
            // The Kitchen's pooled login (see NodeWarehouses.asKitchen): not closed here.
            const as = await warehouses.asKitchen(q.environmentId, q.schema);
            return withTestSession(as, { schema: q.schema, timeoutMs: q.timeoutMs }, fn);
          },
        },
        payload,
      ));
      if (result === "revoked") {
        onRevoked("job");
        throw new JobHandedBack("worker credential revoked");
      }
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
  const beat = async () => {
    try {
      const b = await beatWorker({ db }, { workerId, draining, running });
      if (b.missing && !draining) await register();
      if (b.revoked) onRevoked("heartbeat");
      // The pool's capacity limit, kept in step on its queue by every worker of the pool (idempotent).
      if (!draining) await queues.setConcurrencyLimit("node.execute", pool, await poolCapacity({ db }, pool));
    } catch (e) {
      // A missed beat is retried in 5 s; the worker counts as gone only after 60 s of them.
      if ((e as Error)?.name === "AppError") onRevoked("heartbeat");
      else logger.warn("heartbeat failed", { err: e });
    }
  };
  await beat();
  const heartbeat = setInterval(beat, 5_000);
  logger.info("worker started", { workerId, pool, credentialId: registration.credentialId, role: config.GALLEY_WORKER_ROLE, executor: executor.kind, concurrency: config.WORKER_CONCURRENCY });

  // SIGTERM drains: the node worker takes no more jobs and waits for its running nodes (their
  // leases keep being renewed meanwhile); then everything else stops. The heartbeat says draining.
  shutdown = async (signal: string, exitCode = 0) => {
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
    await markWorkerStopped({ db }, workerId).catch(() => {});
    redis.disconnect();
    if (exitCode) logger.error("worker exited: its credential was revoked", { credentialId: registration.credentialId });
    process.exit(exitCode);
  };
  process.on("SIGTERM", () => void shutdown?.("SIGTERM"));
  process.on("SIGINT", () => void shutdown?.("SIGINT"));
  if (revoked) void shutdown("credential revoked", 78);
}

main().catch((e) => {
  logger.error("worker failed to start", { err: e });
  process.exit(1);
});
