import { createLogger, type Logger } from "@galley/core";
import { withTransaction, type Db } from "@galley/db";
import { writeOutbox } from "@galley/queue";
import { emitAlertEventInTx } from "@galley/runs";
import { nextTick } from "./cron";
import { sweepStaleTicks } from "./fire";

/** How often a ticker looks for ticks left pending (see sweepStaleTicks). */
const SWEEP_EVERY_MS = 60_000;

/** A tick found later than this (nobody was up at its time) is recorded as missed, not run late. */
export const MISSED_AFTER_MS = 5 * 60_000;

export interface ClaimedTick {
  scheduleId: string;
  tickId: string;
  tickAt: Date;
  status: "pending" | "missed";
}

/**
 * Records every due tick (next_run_at <= now) of enabled schedules and moves each schedule to its
 * next tick, in one transaction. A due tick gets a `schedule.fire` job; one older than
 * MISSED_AFTER_MS is recorded as missed (and alerted) instead. SKIP LOCKED lets several workers
 * tick together; the unique (schedule, tick_at) makes a tick happen once.
 */
export async function claimDueTicks(db: Db, now: Date, limit = 50): Promise<ClaimedTick[]> {
  return withTransaction(db, async (tx) => {
    const due = await tx.$queryRaw<{ id: string; kitchen_id: string; cron: string; timezone: string; next_run_at: Date }[]>`
      SELECT id, kitchen_id, cron, timezone, next_run_at FROM schedules
      WHERE enabled AND removed_at IS NULL AND definition_error IS NULL AND next_run_at <= ${now}
      ORDER BY next_run_at LIMIT ${limit}::int FOR UPDATE SKIP LOCKED`;
    const out: ClaimedTick[] = [];
    for (const s of due) {
      const missed = now.getTime() - s.next_run_at.getTime() > MISSED_AFTER_MS;
      const reason = missed ? `nothing was running Galley's scheduler at ${s.next_run_at.toISOString()} (found ${Math.round((now.getTime() - s.next_run_at.getTime()) / 60_000)} min late)` : null;
      const rows = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO schedule_ticks (schedule_id, tick_at, status, reason, handled_at)
        VALUES (${s.id}::uuid, ${s.next_run_at}, ${missed ? "missed" : "pending"}, ${reason}, ${missed ? now : null})
        ON CONFLICT (schedule_id, tick_at) DO NOTHING RETURNING id`;
      let next: Date | null = null;
      try {
        next = nextTick(s.cron, s.timezone, now);
      } catch {
        next = null; // a rule that stopped parsing (croner upgrade): stop ticking rather than loop
      }
      await tx.schedule.update({ where: { id: s.id }, data: { nextRunAt: next } });
      if (!rows[0]) continue;
      if (missed) await emitAlertEventInTx(tx, { kitchenId: s.kitchen_id, event: "schedule.missed", tickId: rows[0].id });
      else await writeOutbox(tx, { jobName: "schedule.fire", payload: { tickId: rows[0].id } });
      out.push({ scheduleId: s.id, tickId: rows[0].id, tickAt: s.next_run_at, status: missed ? "missed" : "pending" });
    }
    return out;
  });
}

/** The earliest tick to come, so the ticker sleeps exactly until then. */
export async function earliestTick(db: Db): Promise<Date | null> {
  const [row] = await db.$queryRaw<{ at: Date | null }[]>`
    SELECT min(next_run_at) AS at FROM schedules WHERE enabled AND removed_at IS NULL AND definition_error IS NULL`;
  return row?.at ?? null;
}

export interface SchedulerOptions {
  db: Db;
  signal: AbortSignal;
  dispatchNow?: () => void;
  /** Longest sleep: picks up schedules enabled elsewhere (web) within this. */
  maxSleepMs?: number;
  clock?: () => Date;
  logger?: Logger;
}

/**
 * The ticker: sleeps until the earliest next tick (at most maxSleepMs), claims what is due, wakes
 * the dispatcher. Its state is all in PostgreSQL, so a restarted worker (or Redis) loses nothing:
 * a tick missed while down is fired late within MISSED_AFTER_MS, or recorded as missed.
 */
export function startScheduler(opts: SchedulerOptions): { stopped: Promise<void>; wake(): void } {
  const log = (opts.logger ?? createLogger()).child({ component: "scheduler" });
  const clock = opts.clock ?? (() => new Date());
  const maxSleep = opts.maxSleepMs ?? 1_000;
  let wake: () => void = () => {};
  let lastSweep = 0;
  const stopped = (async () => {
    while (!opts.signal.aborted) {
      if (clock().getTime() - lastSweep >= SWEEP_EVERY_MS) {
        lastSweep = clock().getTime();
        await sweepStaleTicks({ db: opts.db }, clock())
          .then((missed) => missed.length && (opts.dispatchNow?.(), log.warn("schedule ticks left pending recorded as missed", { ticks: missed })))
          .catch((e) => log.warn("sweeping pending schedule ticks failed", { error: (e as Error).message }));
      }
      try {
        const ticks = await claimDueTicks(opts.db, clock());
        if (ticks.length) {
          opts.dispatchNow?.();
          log.info("schedule ticks", { fired: ticks.filter((t) => t.status === "pending").length, missed: ticks.filter((t) => t.status === "missed").length });
        }
      } catch (e) {
        log.warn("scheduler pass failed; retrying", { error: (e as Error).message });
      }
      let sleepMs = maxSleep;
      try {
        const at = await earliestTick(opts.db);
        if (at) sleepMs = Math.max(0, Math.min(maxSleep, at.getTime() - clock().getTime()));
      } catch {
        // the next pass logs it
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, sleepMs);
        function done() {
          clearTimeout(t);
          opts.signal.removeEventListener("abort", done);
          resolve();
        }
        wake = done;
        opts.signal.addEventListener("abort", done, { once: true });
      });
    }
  })();
  return { stopped, wake: () => wake() };
}
