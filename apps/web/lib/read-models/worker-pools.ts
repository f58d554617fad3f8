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
      SELECT DISTINCT pool, NULL::text[] FROM worker_heartbeats WHERE pool NOT IN (SELECT pool FROM environments)
    )
    SELECT p.pool, p.environments,
      (SELECT count(*)::int FROM worker_heartbeats w WHERE w.pool = p.pool AND NOT w.draining AND w.beat_at > now() - make_interval(secs => ${staleMs / 1000})) AS live,
      (SELECT count(*)::int FROM worker_heartbeats w WHERE w.pool = p.pool AND w.draining AND w.beat_at > now() - make_interval(secs => ${staleMs / 1000})) AS draining
    FROM pools p ORDER BY p.pool`;
  return rows.map((r) => ({ pool: r.pool, environments: r.environments ?? [], liveWorkers: r.live, drainingWorkers: r.draining }));
}

/** "no live worker in pool production (environment production)", or null when every environment's pool has one. */
export function poolsWithoutWorkers(pools: readonly PoolStatus[]): string | null {
  const empty = pools.filter((p) => p.environments.length > 0 && p.liveWorkers === 0);
  if (!empty.length) return null;
  return empty.map((p) => `no live worker in pool ${p.pool} (environment${p.environments.length > 1 ? "s" : ""} ${p.environments.join(", ")}: their runs wait)`).join("; ");
}

/** The run's pool when it has queued nodes and no live worker of that pool takes them; else null. */
export async function waitingForPool(db: Db, runId: string, staleMs: number): Promise<string | null> {
  const rows = await db.$queryRaw<{ pool: string }[]>`
    SELECT r.pool FROM runs r
    WHERE r.id = ${runId}::uuid AND r.status IN ('queued', 'running')
      AND EXISTS (SELECT 1 FROM node_runs n WHERE n.run_id = r.id AND n.status = 'queued')
      AND NOT EXISTS (SELECT 1 FROM worker_heartbeats w WHERE w.pool = r.pool AND NOT w.draining AND w.beat_at > now() - make_interval(secs => ${staleMs / 1000}))`;
  return rows[0]?.pool ?? null;
}
