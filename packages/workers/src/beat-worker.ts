import type { Db } from "@galley/db";

/**
 * A worker's heartbeat (every 5 s): writes its state and answers whether its credential is still
 * live. `missing`: its row is gone (pruned while the process was suspended): register again.
 */
export async function beatWorker(deps: { db: Db }, q: { workerId: string; draining: boolean; running: number }): Promise<{ revoked: boolean; missing: boolean }> {
  const rows = await deps.db.$queryRaw<{ revoked: boolean }[]>`
    WITH b AS (
      UPDATE worker_heartbeats SET beat_at = now(), draining = ${q.draining}, running = ${q.running}
      WHERE worker_id = ${q.workerId} RETURNING credential_id
    )
    SELECT (b.credential_id IS NULL OR c.revoked_at IS NOT NULL) AS revoked
    FROM b LEFT JOIN worker_credentials c ON c.id = b.credential_id`;
  if (!rows.length) return { revoked: false, missing: true };
  return { revoked: rows[0].revoked, missing: false };
}

/** Checked before every job: a revoked (or deleted) credential takes no new node. */
export async function isCredentialLive(deps: { db: Db }, credentialId: string): Promise<boolean> {
  const c = await deps.db.workerCredential.findUnique({ where: { id: credentialId }, select: { revokedAt: true } });
  return c !== null && c.revokedAt === null;
}

/** A clean exit: the row stays for the admin page (gone / revoked) and counts as no worker. */
export async function markWorkerStopped(deps: { db: Db }, workerId: string): Promise<void> {
  await deps.db.workerHeartbeat.updateMany({ where: { workerId }, data: { stoppedAt: new Date(), draining: false, running: 0 } });
}
