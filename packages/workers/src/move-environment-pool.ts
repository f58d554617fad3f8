import { AppError } from "@galley/core";
import { setEnvironmentPool, type VaultDeps } from "@galley/vault";

/**
 * The admin page's "move to pool": the environment by name, then the same use case as
 * `pnpm galley set-pool` (pool and re-wrapped secrets in one transaction, audited).
 */
export async function moveEnvironmentToPool(deps: VaultDeps, input: { environment: string; pool: string; actorId: string; requestId?: string }): Promise<{ environment: string; pool: string; rewrapped: number }> {
  const env = await deps.db.environment.findUnique({ where: { name: input.environment }, select: { id: true } });
  if (!env) throw new AppError("not_found", `environment ${input.environment} does not exist`);
  const moved = await setEnvironmentPool(deps, { environmentId: env.id, pool: input.pool, actorId: input.actorId, requestId: input.requestId });
  return { environment: input.environment, pool: moved.pool, rewrapped: moved.rewrapped };
}
