// Worker side of alerts and schedules: the consumers of alert.event, alert.deliver,
// schedule.fire and run.deadline, the ticker, and the periodic sync of schedules.yaml.
import type { Config, Logger } from "@galley/core";
import { createSender, deliverAlert, egressPolicy, fanOutAlertEvent } from "@galley/alerts";
import type { Db } from "@galley/db";
import type { AnalyticsRepo } from "@galley/git";
import { createWorker, JOBS, type GalleyWorker, type Redis } from "@galley/queue";
import { handleRunDeadline, startRun, type PipelineSource } from "@galley/runs";
import { fireScheduleTick, missScheduleTick, startScheduler, syncAllSchedules, type ScheduleSource } from "@galley/schedules";
import { listSecrets, resolveSecret, type Keyring } from "@galley/vault";

export interface AlertsAndSchedulesDeps {
  db: Db;
  config: Config;
  redis: Redis;
  keyring: Keyring;
  repo: AnalyticsRepo;
  source: PipelineSource;
  executor: "docker" | "local";
  dispatchNow: () => void;
  signal: AbortSignal;
  logger: Logger;
}

/** How often branches are checked for a changed schedules.yaml (merges, pushes). */
const SYNC_EVERY_MS = 15_000;

export function scheduleSource(repo: AnalyticsRepo): ScheduleSource {
  return {
    headOf: (branch) => repo.headOf(branch),
    readText: async (commit, path) => (await repo.readAllTextFiles(commit, path)).files.find((f) => f.path === path)?.content ?? null,
  };
}

export async function startAlertsAndSchedules(d: AlertsAndSchedulesDeps): Promise<{ close(): Promise<void> }> {
  const { db, config, logger } = d;
  const common = { connection: d.redis, prefix: config.GALLEY_QUEUE_PREFIX, logger };
  const send = createSender({ timeoutMs: config.ALERT_TIMEOUT_MS, smtpUrl: config.SMTP_URL, emailFrom: config.ALERT_EMAIL_FROM, egress: egressPolicy(config.GALLEY_ALERT_ALLOW_HOSTS) });
  const workers: GalleyWorker[] = [
    createWorker("alert.event", async (p) => void (await fanOutAlertEvent({ db, baseUrl: config.GALLEY_BASE_URL, dispatchNow: d.dispatchNow }, p)), { ...common, concurrency: 4 }),
    createWorker(
      "alert.deliver",
      // A failed attempt throws DeliveryRetry: the queue retries it with the catalogue's backoff.
      async (p, ctx) =>
        void (await deliverAlert(
          { db, send, logger: ctx.logger, readSecret: (environmentId, name, purpose) => resolveSecret({ db, keyring: d.keyring }, { environmentId, name, purpose }) },
          { deliveryId: p.deliveryId, attempt: ctx.delivery, maxAttempts: JOBS["alert.deliver"].attempts },
        )),
      { ...common, concurrency: 8 },
    ),
    createWorker(
      "schedule.fire",
      async (p, ctx) => {
        let r;
        try {
          r = await fireScheduleTick(
            {
              db,
              startRun: (input) =>
                startRun({ db, source: d.source, executor: d.executor, dispatchNow: d.dispatchNow, vaultNames: async (env) => (await listSecrets({ db }, env)).map((s) => s.name) }, input),
            },
            p,
          );
        } catch (e) {
          // The last attempt: the tick would stay pending forever. Record it missed and alert.
          const attempts = JOBS["schedule.fire"].attempts;
          if (ctx.delivery >= attempts) {
            const reason = `the run could not start after ${attempts} attempts: ${(e as Error).message}`;
            if (await missScheduleTick({ db }, { tickId: p.tickId, reason }).catch(() => false)) ctx.logger.warn("schedule tick missed", { tickId: p.tickId, reason });
          }
          throw e;
        }
        if (r.status !== "done") ctx.logger.info("schedule tick", r);
      },
      { ...common, concurrency: 4 },
    ),
    createWorker("run.deadline", async (p) => void (await handleRunDeadline({ db }, p)), { ...common, concurrency: 2 }),
  ];

  const source = scheduleSource(d.repo);
  const sync = () =>
    syncAllSchedules({ db, source })
      .then((r) => r.synced && logger.info("schedules synced from branches", { kitchens: r.synced, errors: r.errors.slice(0, 5) }))
      .catch((e) => logger.warn("schedule sync failed", { error: (e as Error).message }));
  await sync();
  const syncTimer = setInterval(sync, SYNC_EVERY_MS);
  const scheduler = startScheduler({ db, signal: d.signal, dispatchNow: d.dispatchNow, logger });

  return {
    async close() {
      clearInterval(syncTimer);
      await Promise.all(workers.map((w) => w.close()));
      await scheduler.stopped;
    },
  };
}
