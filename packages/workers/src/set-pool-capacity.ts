import { AppError } from "@galley/core";
import { withTransaction, type Db } from "@galley/db";
import { POOL_NAME, ZSetPoolCapacityInput, type TSetPoolCapacityInput } from "./schemas";

/**
 * At most `maxRunning` nodes of the pool run at once, across all its workers and hosts (null: no
 * limit). Stored here; every worker of the pool copies it to its queue's BullMQ global concurrency
 * at start and with each heartbeat (5 s), which BullMQ enforces atomically when a job is taken.
 */
export async function setPoolCapacity(deps: { db: Db }, input: TSetPoolCapacityInput & { pool: string; actorId: string | null; requestId?: string }): Promise<{ pool: string; maxRunning: number | null }> {
  if (!POOL_NAME.test(input.pool)) throw new AppError("invalid_input", "a pool name is lowercase letters, digits and -, starting with a letter (at most 40)", { field: "pool" });
  const parsed = ZSetPoolCapacityInput.safeParse({ maxRunning: input.maxRunning });
  if (!parsed.success) throw new AppError("invalid_input", parsed.error.issues[0].message, { field: "maxRunning" });
  const { maxRunning } = parsed.data;
  await withTransaction(deps.db, async (tx) => {
    await tx.workerPool.upsert({ where: { pool: input.pool }, update: { maxRunning, updatedAt: new Date() }, create: { pool: input.pool, maxRunning }, select: { pool: true } });
    await tx.auditLog.create({ data: { actorId: input.actorId, action: "worker_pool.capacity", target: `worker_pool:${input.pool}`, details: { maxRunning }, requestId: input.requestId ?? null }, select: { id: true } });
  });
  return { pool: input.pool, maxRunning };
}

export async function poolCapacity(deps: { db: Db }, pool: string): Promise<number | null> {
  const row = await deps.db.workerPool.findUnique({ where: { pool }, select: { maxRunning: true } });
  return row?.maxRunning ?? null;
}
