import { AppError } from "@galley/core";
import { advisoryXactLock, withTransaction, type Db } from "@galley/db";
import { emitAlertEventInTx, type StartRunInput } from "@galley/runs";

export interface FireDeps {
  db: Db;
  /** @galley/runs startRun with its ports bound. */
  startRun(input: StartRunInput): Promise<{ runId: string }>;
}

export type FireOutcome = { status: "started"; runId: string } | { status: "skipped" | "failed"; reason: string } | { status: "done" };

/**
 * The `schedule.fire` handler. Under a lock of the schedule: a run of an earlier tick still going
 * means skip and record (the overlap policy); otherwise start the run at the branch head, with the
 * tick as idempotency key so a re-delivered job returns the same run. A run that cannot start
 * (pipeline gone or invalid on the branch) fails the tick with the reason; both are alerted as
 * schedule.missed.
 */
export async function fireScheduleTick(deps: FireDeps, q: { tickId: string }): Promise<FireOutcome> {
  const tick = await deps.db.scheduleTick.findUnique({
    where: { id: q.tickId },
    select: { id: true, status: true, scheduleId: true, schedule: { select: { kitchenId: true, pipeline: true, parameters: true, enabled: true, removedAt: true } } },
  });
  if (!tick || tick.status !== "pending") return { status: "done" };
  const s = tick.schedule;
  return withTransaction(deps.db, async (tx) => {
    await advisoryXactLock(tx, `schedule:${tick.scheduleId}`);
    const finish = async (status: "skipped" | "failed", reason: string): Promise<FireOutcome> => {
      const n = await tx.scheduleTick.updateMany({ where: { id: tick.id, status: "pending" }, data: { status, reason, handledAt: new Date() } });
      if (n.count) await emitAlertEventInTx(tx, { kitchenId: s.kitchenId, event: "schedule.missed", tickId: tick.id });
      return { status, reason };
    };
    if (!s.enabled || s.removedAt) return finish("skipped", "the schedule was switched off before its tick ran");
    const [running] = await tx.$queryRaw<{ id: string; status: string }[]>`
      SELECT r.id, r.status FROM schedule_ticks t JOIN runs r ON r.id = t.run_id
      WHERE t.schedule_id = ${tick.scheduleId}::uuid AND t.id <> ${tick.id}::uuid AND r.status IN ('queued', 'running')
      LIMIT 1`;
    if (running) return finish("skipped", `run ${running.id} of an earlier tick is still ${running.status} (overlap policy: skip)`);
    let runId: string;
    try {
      ({ runId } = await deps.startRun({
        kitchenId: s.kitchenId,
        pipeline: s.pipeline,
        parameters: s.parameters as Record<string, string | number | boolean>,
        trigger: "schedule",
        triggeredById: null,
        idempotencyKey: `schedule-tick:${tick.id}`,
      }));
    } catch (e) {
      // Bad input on the branch will not fix itself by retrying; anything else (database, git) might.
      if (e instanceof AppError) return finish("failed", `the run could not start: ${e.message}`);
      throw e;
    }
    await tx.scheduleTick.update({ where: { id: tick.id }, data: { status: "started", runId, handledAt: new Date() } });
    return { status: "started", runId };
  });
}

/**
 * A tick whose `schedule.fire` job failed its last attempt (the database or git stayed away, a
 * bug): without this it would stay `pending` forever and nobody would hear of it. Recorded as
 * missed with the reason, and alerted as schedule.missed, once (conditional on `pending`).
 */
export async function missScheduleTick(deps: { db: Db }, q: { tickId: string; reason: string }): Promise<boolean> {
  return withTransaction(deps.db, async (tx) => {
    const [tick] = await tx.$queryRaw<{ kitchen_id: string }[]>`
      UPDATE schedule_ticks t SET status = 'missed', reason = ${q.reason.slice(0, 2000)}, handled_at = now()
      FROM schedules s
      WHERE t.id = ${q.tickId}::uuid AND t.status = 'pending' AND s.id = t.schedule_id
      RETURNING s.kitchen_id::text`;
    if (!tick) return false;
    await emitAlertEventInTx(tx, { kitchenId: tick.kitchen_id, event: "schedule.missed", tickId: q.tickId });
    return true;
  });
}

/**
 * A tick still `pending` this long after it was recorded: its `schedule.fire` job will not run it
 * (a worker died during the job's last attempt, so the handler never recorded it; or the queue lost
 * the job). Longer than the job's three attempts with their timeouts and backoff (~7 min), and
 * past MISSED_AFTER_MS, after which a tick is not run late anyway.
 */
export const STALE_TICK_MS = 15 * 60_000;

/**
 * Marks stale pending ticks missed and alerts each once (missScheduleTick is conditional on
 * `pending`, so several workers sweeping together, or a late job, change nothing twice). Run by
 * every worker's ticker about once a minute.
 */
export async function sweepStaleTicks(deps: { db: Db }, now: Date, limit = 100): Promise<string[]> {
  const stale = await deps.db.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM schedule_ticks
    WHERE status = 'pending' AND created_at < ${new Date(now.getTime() - STALE_TICK_MS)}
    ORDER BY created_at LIMIT ${limit}::int`;
  const missed: string[] = [];
  for (const { id } of stale) {
    const reason = `its schedule.fire job did not finish within ${STALE_TICK_MS / 60_000} minutes (a worker stopped during the job's last attempt, or the queue lost it)`;
    if (await missScheduleTick(deps, { tickId: id, reason })) missed.push(id);
  }
  return missed;
}
