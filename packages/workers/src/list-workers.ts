// The admin Workers page's read model: every worker row (live or not, kept until retention prunes
// it), every credential (never its hash or keys), and each pool's capacity and load.
import type { Db } from "@galley/db";
import { z } from "zod";
import { workerStatus } from "./worker-status";

const ZWorkerRow = z.object({
  workerId: z.string(),
  hostname: z.string(),
  pool: z.string(),
  role: z.string(),
  version: z.string(),
  startedAt: z.date(),
  beatAt: z.date(),
  running: z.number(),
  status: z.enum(["live", "draining", "revoked", "gone"]),
  credential: z.object({ id: z.string(), name: z.string(), hint: z.string() }).nullable(),
});

const ZCredentialRow = z.object({
  id: z.string(),
  pool: z.string(),
  name: z.string(),
  hint: z.string(),
  createdAt: z.date(),
  createdBy: z.string().nullable(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  liveWorkers: z.number(),
});

const ZPoolRow = z.object({ pool: z.string(), environments: z.array(z.string()), maxRunning: z.number().nullable(), running: z.number(), liveWorkers: z.number() });

export const ZWorkersView = z.object({ workers: z.array(ZWorkerRow), credentials: z.array(ZCredentialRow), pools: z.array(ZPoolRow) });
export type TWorkersView = z.infer<typeof ZWorkersView>;

export async function listWorkers(db: Db, staleMs: number, now = new Date()): Promise<TWorkersView> {
  const [rows, creds, pools] = await Promise.all([
    db.workerHeartbeat.findMany({
      orderBy: [{ stoppedAt: { sort: "desc", nulls: "first" } }, { pool: "asc" }, { startedAt: "desc" }],
      take: 500,
      select: { workerId: true, hostname: true, pool: true, role: true, version: true, startedAt: true, beatAt: true, running: true, draining: true, stoppedAt: true, credential: { select: { id: true, name: true, tokenHint: true, revokedAt: true } } },
    }),
    db.$queryRaw<{ id: string; pool: string; name: string; token_hint: string; created_at: Date; created_by: string | null; last_used_at: Date | null; revoked_at: Date | null; live: number }[]>`
      SELECT c.id::text, c.pool, c.name, c.token_hint, c.created_at, u.name AS created_by, c.last_used_at, c.revoked_at,
        (SELECT count(*)::int FROM worker_heartbeats w WHERE w.credential_id = c.id AND w.stopped_at IS NULL AND w.beat_at > now() - make_interval(secs => ${staleMs / 1000})) AS live
      FROM worker_credentials c LEFT JOIN users u ON u.id = c.created_by
      ORDER BY c.revoked_at IS NOT NULL, c.created_at DESC LIMIT 500`,
    db.$queryRaw<{ pool: string; environments: string[] | null; max_running: number | null; running: number; live: number }[]>`
      WITH names AS (
        SELECT pool FROM environments UNION SELECT pool FROM worker_pools UNION SELECT pool FROM worker_heartbeats WHERE stopped_at IS NULL
      )
      SELECT n.pool,
        (SELECT array_agg(e.name ORDER BY e.name) FROM environments e WHERE e.pool = n.pool) AS environments,
        (SELECT p.max_running FROM worker_pools p WHERE p.pool = n.pool) AS max_running,
        (SELECT count(*)::int FROM node_runs nr JOIN runs r ON r.id = nr.run_id WHERE nr.status = 'running' AND r.pool = n.pool) AS running,
        (SELECT count(*)::int FROM worker_heartbeats w WHERE w.pool = n.pool AND w.stopped_at IS NULL AND NOT w.draining AND w.beat_at > now() - make_interval(secs => ${staleMs / 1000})) AS live
      FROM names n ORDER BY n.pool`,
  ]);
  return ZWorkersView.parse({
    workers: rows.map((w) => ({
      workerId: w.workerId, hostname: w.hostname, pool: w.pool, role: w.role, version: w.version, startedAt: w.startedAt, beatAt: w.beatAt,
      running: w.stoppedAt ? 0 : w.running,
      status: workerStatus({ beatAt: w.beatAt, draining: w.draining, stoppedAt: w.stoppedAt, credentialRevoked: w.credential ? w.credential.revokedAt !== null : null }, now, staleMs),
      credential: w.credential ? { id: w.credential.id, name: w.credential.name, hint: w.credential.tokenHint } : null,
    })),
    credentials: creds.map((c) => ({ id: c.id, pool: c.pool, name: c.name, hint: c.token_hint, createdAt: c.created_at, createdBy: c.created_by, lastUsedAt: c.last_used_at, revokedAt: c.revoked_at, liveWorkers: c.live })),
    pools: pools.map((p) => ({ pool: p.pool, environments: p.environments ?? [], maxRunning: p.max_running, running: p.running, liveWorkers: p.live })),
  });
}
