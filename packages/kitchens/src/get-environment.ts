// The environment page's read model: an environment's connection metadata (credentials stay in
// the vault), how many workers its pool has, and its vault's secret names for those the policy
// lets see them (never developers in production; values never leave the vault here).
import { can, type AuthUser } from "@galley/auth";
import type { Db } from "@galley/db";
import { listSecrets } from "@galley/vault";

export interface EnvironmentView {
  env: {
    id: string; name: string; kind: "development" | "production"; description: string; warehouseHost: string; warehousePort: number;
    warehouseDb: string; warehouseUser: string; networkMode: string; pool: string;
  };
  /** Workers of its pool that beat within `staleMs`: taking work, and draining. */
  pool: { liveWorkers: number; drainingWorkers: number };
  mayListSecrets: boolean;
  mayManageVault: boolean;
  /** Admins: the page links to the Workers page (credentials, capacity). */
  mayManageWorkers: boolean;
  secrets: { name: string; version: number; updatedAt: Date }[];
}

/** The environment named `name` as `user` may see it, or null when there is none. */
export async function getEnvironmentForUser(deps: { db: Db; staleMs: number }, user: AuthUser, name: string): Promise<EnvironmentView | null> {
  const env = await deps.db.environment.findUnique({
    where: { name },
    select: { id: true, name: true, kind: true, description: true, warehouseHost: true, warehousePort: true, warehouseDb: true, warehouseUser: true, networkMode: true, pool: true },
  });
  if (!env) return null;
  const [pool] = await deps.db.$queryRaw<{ live: number; draining: number }[]>`
    SELECT count(*) FILTER (WHERE NOT draining)::int AS live, count(*) FILTER (WHERE draining)::int AS draining
    FROM worker_heartbeats WHERE pool = ${env.pool} AND beat_at > now() - make_interval(secs => ${deps.staleMs / 1000})`;
  const mayListSecrets = can(user, "read_secret_names", { type: "environment", kind: env.kind });
  return {
    env,
    pool: { liveWorkers: pool?.live ?? 0, drainingWorkers: pool?.draining ?? 0 },
    mayListSecrets,
    mayManageVault: can(user, "manage_vault", { type: "environment", kind: env.kind }),
    mayManageWorkers: can(user, "manage_workers", { type: "installation" }),
    secrets: mayListSecrets ? (await listSecrets({ db: deps.db }, env.id)).map((s) => ({ name: s.name, version: s.version, updatedAt: s.updatedAt })) : [],
  };
}
