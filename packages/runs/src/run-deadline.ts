import { withTransaction, type Db } from "@galley/db";
import { emitAlertEventInTx } from "./alert-events";
import { cancelRun } from "./cancel-run";
import type { RunDocument } from "./start-run";

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

/**
 * The `run.deadline` handler, due at the pipeline's max_duration: a run still going is announced
 * as overdue, and stopped first when the pipeline says `on_overrun: stop`. A finished run is left alone.
 */
export async function handleRunDeadline(deps: { db: Db }, q: { runId: string }): Promise<{ overdue: boolean; stopped: boolean }> {
  const run = await deps.db.run.findUnique({ where: { id: q.runId }, select: { status: true, kitchenId: true, compiled: true } });
  if (!run || (run.status !== "queued" && run.status !== "running")) return { overdue: false, stopped: false };
  const limits = (run.compiled as Partial<RunDocument> | null)?.limits;
  if (!limits?.maxDurationMs) return { overdue: false, stopped: false };
  let stopped = false;
  if (limits.stopOnOverrun) {
    stopped = await cancelRun(deps.db, q.runId, `stopped: over the pipeline's time limit of ${minutes(limits.maxDurationMs)} (on_overrun: stop)`)
      .then(() => true)
      .catch(() => false); // it finished meanwhile
  }
  await withTransaction(deps.db, (tx) => emitAlertEventInTx(tx, { kitchenId: run.kitchenId, event: "run.overdue", runId: q.runId }));
  return { overdue: true, stopped };
}
