import type { Tx } from "@galley/db";
import { JOBS, OUTBOX_CHANNEL } from "@galley/queue";

// Written as raw SQL (not writeOutbox) because the row is conditional on a route listening; the
// dispatcher still validates the payload against the catalogue when it enqueues.
const ALERT_QUEUE = JOBS["alert.event"].queue;
const ALERT_JOB = "alert.event";

export type RunAlertEvent = "run.started" | "run.succeeded" | "run.failed" | "run.overdue" | "schedule.missed";

/** Events a route may subscribe to that this occurrence is heard as (a success may be a recovery). */
const HEARD_AS: Record<RunAlertEvent, string[]> = {
  "run.started": ["run.started"],
  "run.succeeded": ["run.succeeded", "run.recovered"],
  "run.failed": ["run.failed"],
  "run.overdue": ["run.overdue"],
  "schedule.missed": ["schedule.missed"],
};

export function alertJobId(event: string, subjectId: string, nodeId?: string): string {
  return `alert:${event}:${subjectId}:${nodeId ?? "-"}`;
}

/**
 * Records an alert event in the caller's transaction, next to the state change it reports, but
 * only when the Kitchen has an enabled route listening: Kitchens without routes pay one indexed
 * EXISTS and no job.
 */
export async function emitAlertEventInTx(
  tx: Tx,
  q: { kitchenId: string; event: RunAlertEvent; runId?: string; tickId?: string },
): Promise<boolean> {
  const subject = q.runId ?? q.tickId;
  if (!subject) throw new Error("an alert event needs a runId or a tickId");
  const payload = { event: q.event, ...(q.runId ? { runId: q.runId } : {}), ...(q.tickId ? { tickId: q.tickId } : {}) };
  const rows = await tx.$queryRaw<{ n: unknown }[]>`
    WITH ins AS (
      INSERT INTO outbox (queue, job_name, job_id, payload)
      SELECT ${ALERT_QUEUE}, ${ALERT_JOB}, ${alertJobId(q.event, subject)}, ${JSON.stringify(payload)}::jsonb
      WHERE EXISTS (SELECT 1 FROM alert_routes WHERE kitchen_id = ${q.kitchenId}::uuid AND enabled AND events && ${HEARD_AS[q.event]}::text[])
      RETURNING id
    )
    SELECT ins.id::text AS n FROM ins, pg_notify(${OUTBOX_CHANNEL}, '') AS notified`;
  return rows.length > 0;
}

/**
 * At a node's final outcome: one `test.warned` and/or `test.failed` event when its tests tripped
 * (test_results of this node run) and a route of the Kitchen listens.
 */
export async function emitTestAlertsInTx(tx: Tx, q: { runId: string; nodeId: string; nodeRunId: string }): Promise<number> {
  const rows = await tx.$queryRaw<{ n: unknown }[]>`
    WITH tripped AS (
      SELECT DISTINCT CASE WHEN t.verdict = 'warned' THEN 'test.warned' ELSE 'test.failed' END AS event, t.kitchen_id
      FROM test_results t
      WHERE t.run_id = ${q.runId}::uuid AND t.node_run_id = ${q.nodeRunId}::uuid
        AND t.verdict IN ('warned', 'failed', 'error') AND t.level <> 'log'
    ), ins AS (
      INSERT INTO outbox (queue, job_name, job_id, payload)
      SELECT ${ALERT_QUEUE}, ${ALERT_JOB}, 'alert:' || tr.event || ':' || ${q.runId} || ':' || ${q.nodeId},
             jsonb_build_object('event', tr.event, 'runId', ${q.runId}::text, 'nodeId', ${q.nodeId}::text)
      FROM tripped tr
      WHERE EXISTS (SELECT 1 FROM alert_routes r WHERE r.kitchen_id = tr.kitchen_id AND r.enabled AND tr.event = ANY(r.events))
      RETURNING id
    )
    SELECT ins.id::text AS n FROM ins, pg_notify(${OUTBOX_CHANNEL}, '') AS notified`;
  return rows.length;
}
