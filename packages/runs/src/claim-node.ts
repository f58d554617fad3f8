import type { Db } from "@galley/db";

export interface ClaimedNode {
  nodeRunId: string;
  runId: string;
  nodeId: string;
  attempt: number;
  type: string;
  tookOver: boolean;
}

/**
 * Moves a node to running for this worker. A node still running under another worker's live
 * lease is not taken; one whose lease expired (its worker died) is taken over. A cancelled run's
 * nodes are never claimed. Returns null when there is nothing to do (idempotent re-delivery).
 * `credentialId`: the worker's credential must be live in the same statement, so a revocation
 * that commits first is never followed by a claim (see credentialRevoked for telling the two apart).
 */
export async function claimNode(db: Db, q: { runId: string; nodeId: string; attempt: number; workerId: string; leaseMs: number; credentialId?: string }): Promise<ClaimedNode | null> {
  const credentialId = q.credentialId ?? null;
  const rows = await db.$queryRaw<{ id: string; type: string; took_over: boolean }[]>`
    WITH prev AS (
      SELECT id, status FROM node_runs WHERE run_id = ${q.runId}::uuid AND node_id = ${q.nodeId} AND attempt = ${q.attempt} FOR UPDATE
    )
    UPDATE node_runs n SET
      status = 'running',
      worker_id = ${q.workerId},
      lease_until = now() + make_interval(secs => ${q.leaseMs / 1000}),
      started_at = COALESCE(n.started_at, now())
    FROM prev
    WHERE n.id = prev.id
      AND (prev.status = 'queued' OR (prev.status = 'running' AND n.lease_until < now()))
      AND EXISTS (SELECT 1 FROM runs r WHERE r.id = n.run_id AND r.status IN ('queued', 'running'))
      AND (${credentialId}::uuid IS NULL OR EXISTS (SELECT 1 FROM worker_credentials c WHERE c.id = ${credentialId}::uuid AND c.revoked_at IS NULL))
    RETURNING n.id, n.type, (prev.status = 'running') AS took_over`;
  if (rows.length === 0) return null;
  await db.$executeRaw`UPDATE runs SET status = 'running', started_at = COALESCE(started_at, now()) WHERE id = ${q.runId}::uuid AND status = 'queued'`;
  return { nodeRunId: rows[0].id, runId: q.runId, nodeId: q.nodeId, attempt: q.attempt, type: rows[0].type, tookOver: rows[0].took_over };
}

/**
 * Extends the lease. False means the node is no longer ours to run: the run was cancelled
 * or another worker took it over; the caller must stop the work.
 */
export async function renewLease(db: Db, q: { nodeRunId: string; workerId: string; leaseMs: number }): Promise<boolean> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE node_runs n SET lease_until = now() + make_interval(secs => ${q.leaseMs / 1000})
    WHERE n.id = ${q.nodeRunId}::uuid AND n.worker_id = ${q.workerId} AND n.status = 'running'
      AND EXISTS (SELECT 1 FROM runs r WHERE r.id = n.run_id AND r.status = 'running')
    RETURNING n.id`;
  return rows.length === 1;
}

/** After a claim returned null: was it because the worker's credential is revoked (or gone)? */
export async function credentialRevoked(db: Db, credentialId: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ live: boolean }[]>`SELECT revoked_at IS NULL AS live FROM worker_credentials WHERE id = ${credentialId}::uuid`;
  return !rows[0]?.live;
}
