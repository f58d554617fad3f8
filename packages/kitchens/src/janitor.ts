// The janitor: finishes or undoes durable operations whose process died (their lease ran out).
// Runs at web and worker start and then periodically; one leader at a time (advisory lock), and
// each operation is claimed by a conditional update, so two janitors never work on one.
import { AppError, isAppError, type Logger } from "@galley/core";
import type { Db } from "@galley/db";
import { repairViews, type CapturedView } from "@galley/warehouse";
import type { KitchensDeps } from "./deps";
import { finishDeletion } from "./delete-kitchen";
import { finishMerge } from "./land-merge";
import { recordLostViews, syncLostViews } from "./lost-views";
import { finishOperation, OPERATION_SELECT, toRecord, type OperationRecord } from "./operations";

export type JanitorDeps = Pick<KitchensDeps, "db" | "git" | "warehouses" | "schemas" | "logger">;

export interface JanitorReport {
  /** Another process leads: this one did nothing. */
  skipped: boolean;
  finished: { id: string; kind: string; subject: string; outcome: "done" | "undone" | "retry"; error?: string }[];
}

export const JANITOR_LOCK = "galley:janitor";

/** One pass over every operation whose lease has expired. */
export async function repairOperations(
  deps: JanitorDeps,
  opts: { leader?: () => Promise<{ release(): Promise<void> } | null>; limit?: number } = {},
): Promise<JanitorReport> {
  const lease = opts.leader ? await opts.leader() : undefined;
  if (lease === null) return { skipped: true, finished: [] };
  const report: JanitorReport = { skipped: false, finished: [] };
  try {
    for (let i = 0; i < (opts.limit ?? 100); i++) {
      const op = await claimExpired(deps.db);
      if (!op) break;
      try {
        const outcome = await repairOne(deps, op);
        report.finished.push({ id: op.id, kind: op.kind, subject: op.subject, outcome });
        if (outcome !== "retry") deps.logger?.warn("janitor repaired an interrupted operation", { operation: op.id, kind: op.kind, subject: op.subject, step: op.step, outcome });
      } catch (e) {
        const error = (e as Error)?.message ?? String(e);
        // Keeps its error for the UI and is tried again later, less often each time.
        await deps.db.operation.update({
          where: { id: op.id },
          data: { error: `janitor: ${error}`.slice(0, 2000), leaseUntil: new Date(Date.now() + Math.min(300_000, 2_000 * 2 ** Math.min(op.attempts, 8))) },
          select: { id: true },
        });
        // A conflict is a wait (views.sync until the parent's table is back), not a failure to page anyone for.
        const waiting = isAppError(e) && e.code === "conflict";
        if (waiting) deps.logger?.info("janitor is waiting to finish an operation", { operation: op.id, kind: op.kind, subject: op.subject, step: op.step, reason: error });
        else deps.logger?.error("janitor could not repair an operation", { operation: op.id, kind: op.kind, subject: op.subject, step: op.step, err: e });
        report.finished.push({ id: op.id, kind: op.kind, subject: op.subject, outcome: "retry", error });
      }
    }
  } finally {
    await lease?.release();
  }
  return report;
}

/** Takes one expired operation for this pass (its lease now runs for the janitor). */
async function claimExpired(db: Db): Promise<OperationRecord | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE operations SET lease_until = now() + interval '60 seconds', attempts = attempts + 1
     WHERE id = (SELECT id FROM operations WHERE state = 'running' AND lease_until < now() ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id::text`;
  if (!rows.length) return null;
  return toRecord(await db.operation.findUniqueOrThrow({ where: { id: rows[0].id }, select: OPERATION_SELECT }));
}

async function repairOne(deps: JanitorDeps, op: OperationRecord): Promise<"done" | "undone" | "retry"> {
  switch (op.kind) {
    case "kitchen.create":
      await undoCreation(deps, op);
      return "undone";
    case "kitchen.delete":
      await finishDeletion(deps, op);
      return "done";
    case "kitchen.merge":
      return finishMerge(deps, op);
    case "views.rebind":
      return rebindViews(deps, op);
    case "views.sync":
      return syncLostViews(deps, op);
  }
}

/**
 * A creation whose process died before its rows committed (they commit with "done"): what it
 * made goes, so the name is free again. Only what this operation made: the schema only once its
 * step was recorded (after checking it did not exist), the branch only at the commit it was
 * created at.
 */
async function undoCreation(deps: JanitorDeps, op: OperationRecord): Promise<void> {
  const p = op.payload as { schema: string; environmentId: string; parentHead: string; head?: string };
  const live = await deps.db.kitchen.count({ where: { name: op.subject, deletedAt: null } });
  if (live) throw new AppError("internal", `a live Kitchen named ${op.subject} exists although its creation never finished; left for an operator`);
  if (op.step !== "branch") {
    const { wh } = await deps.warehouses.forEnvironment(p.environmentId);
    await deps.schemas.drop(wh, p.schema);
    await deps.schemas.dropRole(wh, p.schema);
  }
  if (await deps.git.branchExists(op.subject)) {
    const head = await deps.git.headOf(op.subject);
    if (head === (p.head ?? p.parentHead)) await deps.git.deleteBranch(op.subject, { expectedHead: head });
    else deps.logger?.warn("janitor kept a branch with new commits", { branch: op.subject });
  }
  await finishOperation(deps.db, op.id, "undone", { error: `the creating process stopped at step ${op.step}; the janitor undid what it had made` });
}

/** Children's views moved aside by a SQL node whose worker died before putting them back. */
async function rebindViews(deps: JanitorDeps, op: OperationRecord): Promise<"done" | "retry"> {
  const p = op.payload as { schema: string; views: CapturedView[] };
  if (!op.environmentId) throw new AppError("internal", `views operation ${op.id} names no environment`);
  const { wh } = await deps.warehouses.forEnvironment(op.environmentId);
  const report = await repairViews(wh, p.schema, p.views);
  if (!report) {
    // A live node holds the schema's views lock: it puts them back itself (and clears this row).
    await deps.db.operation.update({ where: { id: op.id }, data: { leaseUntil: new Date(Date.now() + 5_000) }, select: { id: true } });
    return "retry";
  }
  // Views whose table is gone come back once it is (views.sync, below).
  if (report.lost.length) await recordLostViews(deps.db, op.environmentId, report.lost);
  const lost = report.lost.map((l) => `${l.view} (${l.reason})`).join("; ");
  await finishOperation(deps.db, op.id, "done", { error: lost ? `restored ${report.recreated.length} view(s); not restorable: ${lost}` : undefined });
  return "done";
}

/** Runs a pass now and then every `everyMs`; stop() ends it. Failures are logged, never thrown. */
export function startJanitor(deps: JanitorDeps & { logger: Logger }, opts: { leader: () => Promise<{ release(): Promise<void> } | null>; everyMs?: number }): { stop(): void; runNow(): Promise<JanitorReport | null> } {
  let running: Promise<JanitorReport | null> | null = null;
  const runNow = () => {
    running ??= repairOperations(deps, { leader: opts.leader })
      .catch((e) => {
        deps.logger.warn("janitor pass failed", { err: e });
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  void runNow();
  const timer = setInterval(() => void runNow(), opts.everyMs ?? 10_000);
  timer.unref();
  return { stop: () => clearInterval(timer), runNow };
}
