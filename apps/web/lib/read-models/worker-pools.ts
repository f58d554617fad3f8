// Worker pools as the health check and the environment page see them: which pools environments
// name, and how many workers of each beat recently (draining ones do not count: they take no work).
import type { Db } from "@galley/db";

export interface PoolStatus {
  pool: string;
  environments: string[];
  liveWorkers: number;
  drainingWorkers: number;
}

export async function listPoolStatus(db: Db, staleMs: number): Promise<PoolStatus[]> {
  const rows = await db.$queryRaw<{ pool: string; environments: string[] | null; live: number; draining: number }[]>`
    WITH pools AS (
      SELECT pool, array_agg(name ORDER BY name) AS environments FROM environments GROUP BY pool
      UNION ALL
      SELECT DISTINCT pool, NULL::text[] FROM worker_heartbeats WHERE stopped_at IS NULL AND pool NOT IN (SELECT pool FROM environments)
    )
    SELECT p.pool, p.environments,
      (SELECT count(*)::int FROM worker_heartbeats w WHERE w.pool = p.pool AND w.stopped_at IS NULL AND NOT w.draining AND w.beat_at > now() - make_interval(secs => ${staleMs / 1000})) AS live,
      (SELECT count(*)::int FROM worker_heartbeats w WHERE w.pool = p.pool AND w.stopped_at IS NULL AND w.draining AND w.beat_at > now() - make_interval(secs => ${staleMs / 1000})) AS draining
    FROM pools p ORDER BY p.pool`;
  return rows.map((r) => ({ pool: r.pool, environments: r.environments ?? [], liveWorkers: r.live, drainingWorkers: r.draining }));
}

/** "no live worker in pool production (environment production)", or null when every environment's pool has one. */
export function poolsWithoutWorkers(pools: readonly PoolStatus[]): string | null {
  const empty = pools.filter((p) => p.environments.length > 0 && p.liveWorkers === 0);
  if (!empty.length) return null;
  return empty.map((p) => `no live worker in pool ${p.pool} (environment${p.environments.length > 1 ? "s" : ""} ${p.environments.join(", ")}: their runs wait)`).join("; ");
}

export type RunWaiting =
  | { pool: string; reason: "no_worker" }
  | { pool: string; reason: "capacity"; limit: number; running: number };

/**
 * Why a run with queued nodes is not progressing, when the pool is the reason: no live worker of
 * its pool, or the pool at its capacity limit (worker_pools.max_running). Else null.
 */
export async function waitingForPool(db: Db, runId: string, staleMs: number): Promise<RunWaiting | null> {
  const rows = await db.$queryRaw<{ pool: string; live: boolean; max_running: number | null; running: number }[]>`
    SELECT r.pool,
      EXISTS (SELECT 1 FROM worker_heartbeats w WHERE w.pool = r.pool AND w.stopped_at IS NULL AND NOT w.draining AND w.beat_at > now() - make_interval(secs => ${staleMs / 1000})) AS live,
      p.max_running,
      CASE WHEN p.max_running IS NULL THEN 0 ELSE
        (SELECT count(*)::int FROM node_runs nr JOIN runs rr ON rr.id = nr.run_id WHERE nr.status = 'running' AND rr.pool = r.pool) END AS running
    FROM runs r LEFT JOIN worker_pools p ON p.pool = r.pool
    WHERE r.id = ${runId}::uuid AND r.status IN ('queued', 'running')
      AND EXISTS (SELECT 1 FROM node_runs n WHERE n.run_id = r.id AND n.status = 'queued')`;
  const r = rows[0];
  if (!r) return null;
  if (!r.live) return { pool: r.pool, reason: "no_worker" };
  if (r.max_running !== null && r.running >= r.max_running) return { pool: r.pool, reason: "capacity", limit: r.max_running, running: r.running };
  return null;
}
