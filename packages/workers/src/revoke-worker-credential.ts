import { AppError } from "@galley/core";
import { withTransaction, type Db } from "@galley/db";

/**
 * Revokes a credential: its sealed pool keys are erased in the same statement, so the token opens
 * nothing any more. Workers using it notice at their next job (handed back, not run) or heartbeat
 * (within 5 s), finish their running nodes and exit. Revoking twice is a no-op.
 */
export async function revokeWorkerCredential(
  deps: { db: Db },
  input: { credentialId: string; actorId: string | null; requestId?: string },
): Promise<{ id: string; pool: string; alreadyRevoked: boolean; workers: number }> {
  if (!/^[0-9a-f-]{36}$/i.test(input.credentialId)) throw new AppError("not_found", "worker credential not found");
  return withTransaction(deps.db, async (tx) => {
    const c = await tx.workerCredential.findUnique({ where: { id: input.credentialId }, select: { id: true, pool: true, revokedAt: true } });
    if (!c) throw new AppError("not_found", "worker credential not found");
    const workers = await tx.workerHeartbeat.count({ where: { credentialId: c.id, stoppedAt: null } });
    if (c.revokedAt) return { id: c.id, pool: c.pool, alreadyRevoked: true, workers };
    await tx.workerCredential.update({ where: { id: c.id }, data: { revokedAt: new Date(), revokedBy: input.actorId, wrappedKeys: null }, select: { id: true } });
    await tx.auditLog.create({
      data: { actorId: input.actorId, action: "worker_credential.revoke", target: `worker_credential:${c.id}`, details: { pool: c.pool, workers }, requestId: input.requestId ?? null },
      select: { id: true },
    });
    return { id: c.id, pool: c.pool, alreadyRevoked: false, workers };
  });
}
