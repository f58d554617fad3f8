import { AppError } from "@galley/core";
import { advisoryXactLock, withTransaction } from "@galley/db";
import type { VaultDeps } from "./deps";
import { kekIdOfSealed, rewrapSealed } from "./envelope";
import { keyringForPool } from "./keyring";
import { assertUuid } from "./validation";
import { insertAudit } from "./vault-repository";

export interface SetEnvironmentPoolInput {
  environmentId: string;
  pool: string;
  actorId: string | null;
  requestId?: string;
}

const POOL_RE = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * Moves an environment's nodes to another worker pool. The pool and its secrets move together,
 * in one transaction: every secret is re-wrapped with the new pool's key (the control plane's
 * GALLEY_POOL_KEKS; the main key for `default` or a pool without one), so from the commit on only
 * that pool's workers can open them. Values are not decrypted; only the DEK layer changes.
 * Runs already planned keep their pool (runs.pool); Kitchen role passwords follow the new key the
 * next time a worker of the new pool ensures the role.
 */
export async function setEnvironmentPool(deps: VaultDeps, input: SetEnvironmentPoolInput): Promise<{ pool: string; kekId: string; rewrapped: number }> {
  assertUuid(input.environmentId, "environmentId");
  if (!POOL_RE.test(input.pool)) throw new AppError("invalid_input", "a pool name is lowercase letters, digits and -, starting with a letter (at most 40)", { field: "pool" });
  const target = keyringForPool(deps.keyring, input.pool);
  return withTransaction(deps.db, async (tx) => {
    await advisoryXactLock(tx, `vault:${input.environmentId}:pool`);
    const env = await tx.environment.findUnique({ where: { id: input.environmentId }, select: { pool: true } });
    if (!env) throw new AppError("not_found", "Environment not found", { field: "environmentId" });
    const rows = await tx.vaultSecret.findMany({ where: { environmentId: input.environmentId }, select: { id: true, name: true, version: true, ciphertext: true } });
    let rewrapped = 0;
    for (const r of rows) {
      if (kekIdOfSealed(r.ciphertext) === target.activeKekId) continue;
      const ciphertext = rewrapSealed(target, { environmentId: input.environmentId, name: r.name, version: r.version }, r.ciphertext);
      await tx.vaultSecret.update({ where: { id: r.id }, data: { ciphertext }, select: { id: true } });
      rewrapped++;
    }
    await tx.environment.update({ where: { id: input.environmentId }, data: { pool: input.pool }, select: { id: true } });
    await insertAudit(
      { actorId: input.actorId, action: "environment.pool", target: `environment:${input.environmentId}`, details: { from: env.pool, to: input.pool, kekId: target.activeKekId, rewrapped }, requestId: input.requestId },
      tx,
    );
    return { pool: input.pool, kekId: target.activeKekId, rewrapped };
  });
}
