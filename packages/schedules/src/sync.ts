import { advisoryXactLock, withTransaction, type Db } from "@galley/db";
import { nextTick } from "./cron";
import { parseScheduleFile, SCHEDULES_FILE, type ScheduleEntry } from "./schedule-file";

/** What schedules need from the analytics repository. */
export interface ScheduleSource {
  headOf(branch: string): Promise<string>;
  /** Text of `path` at `commit`, null when there is no such file. */
  readText(commit: string, path: string): Promise<string | null>;
}

export interface SyncResult {
  commit: string;
  changed: boolean;
  added: string[];
  removed: string[];
  errors: string[];
}

/**
 * Mirrors the Kitchen branch's schedules.yaml into `schedules`: new entries start DISABLED (in
 * every Kitchen: a child branch inherits its parent's file, and production only runs what a
 * production engineer switched on); changed entries keep their switch and get a new next tick;
 * entries gone from the branch are switched off and kept for their history. Skips a branch whose
 * head was already read, unless forced.
 */
export async function syncKitchenSchedules(
  deps: { db: Db; source: ScheduleSource },
  k: { id: string; branch: string },
  opts: { force?: boolean; now?: Date } = {},
): Promise<SyncResult> {
  const commit = await deps.source.headOf(k.branch);
  const last = await deps.db.scheduleSync.findUnique({ where: { kitchenId: k.id }, select: { commit: true } });
  if (!opts.force && last?.commit === commit) return { commit, changed: false, added: [], removed: [], errors: [] };
  const parsed = parseScheduleFile(await deps.source.readText(commit, SCHEDULES_FILE));
  const now = opts.now ?? new Date();
  return withTransaction(deps.db, async (tx) => {
    // Web (after an edit) and worker (periodic) may sync the same Kitchen at once.
    await advisoryXactLock(tx, `schedules:${k.id}`);
    const rows = await tx.schedule.findMany({ where: { kitchenId: k.id }, select: { id: true, name: true, cron: true, timezone: true, enabled: true, removedAt: true } });
    const byName = new Map(rows.map((r) => [r.name, r]));
    const added: string[] = [];
    // A file that does not parse at all changes nothing: the schedules keep running as they were.
    const unreadable = parsed.entries.length === 0 && parsed.errors.length > 0;
    if (!unreadable) {
      for (const e of parsed.entries) {
        const row = byName.get(e.name);
        const def = definition(e, commit);
        if (!row) {
          await tx.schedule.create({ data: { kitchenId: k.id, name: e.name, ...def, enabled: false, nextRunAt: null } });
          added.push(e.name);
          continue;
        }
        const timing = row.cron !== e.cron || row.timezone !== e.timezone || row.removedAt !== null;
        await tx.schedule.update({
          where: { id: row.id },
          data: {
            ...def,
            removedAt: null,
            updatedAt: now,
            ...(e.problem ? { nextRunAt: null } : timing && row.enabled ? { nextRunAt: nextTick(e.cron, e.timezone, now) } : {}),
          },
        });
      }
    }
    const names = new Set(parsed.entries.map((e) => e.name));
    const removed = unreadable ? [] : rows.filter((r) => !names.has(r.name) && r.removedAt === null).map((r) => r.name);
    if (removed.length) {
      await tx.schedule.updateMany({ where: { kitchenId: k.id, name: { in: removed } }, data: { removedAt: now, enabled: false, nextRunAt: null } });
    }
    await tx.scheduleSync.upsert({ where: { kitchenId: k.id }, create: { kitchenId: k.id, commit, syncedAt: now }, update: { commit, syncedAt: now } });
    return { commit, changed: true, added, removed, errors: parsed.errors };
  });
}

function definition(e: ScheduleEntry, commit: string) {
  return { pipeline: e.pipeline, cron: e.cron, timezone: e.timezone, parameters: e.parameters, definitionError: e.problem, sourceCommit: commit };
}

/** Every live Kitchen whose branch moved since its last sync (merges, pushes, edits). */
export async function syncAllSchedules(deps: { db: Db; source: ScheduleSource }, opts: { now?: Date } = {}): Promise<{ synced: number; errors: string[] }> {
  const kitchens = await deps.db.kitchen.findMany({ where: { deletedAt: null }, select: { id: true, branch: true, name: true } });
  let synced = 0;
  const errors: string[] = [];
  for (const k of kitchens) {
    try {
      const r = await syncKitchenSchedules(deps, k, opts);
      if (r.changed) synced++;
      errors.push(...r.errors.map((e) => `${k.name}: ${e}`));
    } catch (e) {
      errors.push(`${k.name}: ${(e as Error).message}`);
    }
  }
  return { synced, errors };
}
