// Views of other Kitchens that a SQL node's restructuring left absent (their table was gone when
// the views were put back: runSql reports them as `views.lost`). They are recorded as a
// `views.sync` operation per child schema, and the janitor brings each back with
// syncKitchenViews once the parent has the table again (a later node or run usually makes it).
import { AppError } from "@galley/core";
import type { Db, Prisma } from "@galley/db";
import { syncKitchenViews, type TDataPolicy } from "@galley/warehouse";
import type { JanitorDeps } from "./janitor";
import { finishOperation, type OperationRecord } from "./operations";

/** After this many janitor attempts (about two hours with its backoff) a view is given up on. */
const MAX_ATTEMPTS = 30;

/** `lost[].view` is `schema.name`, as runSql reports it. One open operation per child schema. */
export async function recordLostViews(db: Db, environmentId: string, lost: readonly { view: string }[]): Promise<void> {
  const bySchema = new Map<string, Set<string>>();
  for (const { view } of lost) {
    const dot = view.indexOf(".");
    if (dot <= 0) continue;
    const names = bySchema.get(view.slice(0, dot)) ?? new Set<string>();
    names.add(view.slice(dot + 1));
    bySchema.set(view.slice(0, dot), names);
  }
  for (const [schema, names] of bySchema) {
    const open = await db.operation.findFirst({ where: { kind: "views.sync", subject: schema, environmentId, state: "running" }, select: { id: true, payload: true } });
    const views = [...new Set([...(((open?.payload as { views?: string[] }) ?? {}).views ?? []), ...names])].sort();
    const payload = { schema, views } as unknown as Prisma.InputJsonValue;
    // Due at once: the janitor's next pass tries, and backs off while the table is still missing.
    if (open) await db.operation.update({ where: { id: open.id }, data: { payload, leaseUntil: new Date(), updatedAt: new Date() }, select: { id: true } });
    else await db.operation.create({ data: { kind: "views.sync", subject: schema, environmentId, step: "waiting-for-tables", payload, leaseUntil: new Date() }, select: { id: true } });
  }
}

/**
 * The janitor's part: recreate the recorded views the child still lacks, as its parent's data
 * policy plans them. Throws while some are still missing (the janitor retries with backoff).
 */
export async function syncLostViews(deps: JanitorDeps, op: OperationRecord): Promise<"done"> {
  const p = op.payload as { schema: string; views: string[] };
  if (!op.environmentId) throw new AppError("internal", `views operation ${op.id} names no environment`);
  const child = await deps.db.kitchen.findFirst({
    where: { schemaName: p.schema, environmentId: op.environmentId, deletedAt: null },
    select: { parent: { select: { schemaName: true, environmentId: true, deletedAt: true } }, environment: { select: { dataPolicy: true } } },
  });
  // A Kitchen deleted since, or no longer a child in the same warehouse: nothing to bring back.
  if (!child?.parent || child.parent.deletedAt || child.parent.environmentId !== op.environmentId) {
    await finishOperation(deps.db, op.id, "done", { error: "the Kitchen or its parent is gone from this warehouse: nothing to restore" });
    return "done";
  }
  const { wh } = await deps.warehouses.forEnvironment(op.environmentId);
  const { created } = await syncKitchenViews(wh, { schema: p.schema, parentSchema: child.parent.schemaName, policy: child.environment.dataPolicy as TDataPolicy, only: p.views });
  const present = await wh.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = ANY($2::text[])`,
    [p.schema, p.views],
  );
  const missing = p.views.filter((v) => !present.rows.some((r) => r.name === v));
  if (created.length) deps.logger?.info("lost views of a child Kitchen restored", { schema: p.schema, views: created });
  if (missing.length === 0) {
    await finishOperation(deps.db, op.id, "done");
    return "done";
  }
  if (op.attempts >= MAX_ATTEMPTS) {
    await finishOperation(deps.db, op.id, "done", { error: `gave up after ${op.attempts} attempts: ${child.parent.schemaName} still has no ${missing.join(", ")}` });
    return "done";
  }
  throw new AppError("conflict", `waiting for ${child.parent.schemaName} to have ${missing.join(", ")} again (views of ${p.schema})`);
}
