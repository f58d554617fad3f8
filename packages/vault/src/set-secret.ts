import { AppError } from "@galley/core";
import { advisoryXactLock, withTransaction } from "@galley/db";
import type { VaultDeps } from "./deps";
import { sealSecret } from "./envelope";
import { assertSecretName, assertSecretValue, assertUuid } from "./validation";
import { keyringForPool } from "./keyring";
import { findEnvironmentPool, findSecretVersion, insertAudit, secretTarget, upsertSecret } from "./vault-repository";

export interface SetSecretInput {
  environmentId: string;
  name: string;
  value: string;
  actorId: string;
  requestId?: string;
}

/**
 * Creates a secret or replaces it with a new version. The audit row goes in the same
 * transaction and records the name and version, never the value.
 */
export async function setSecret(deps: VaultDeps, input: SetSecretInput): Promise<{ name: string; version: number }> {
  const { environmentId, name, value, actorId } = input;
  assertUuid(environmentId, "environmentId");
  assertUuid(actorId, "actorId");
  assertSecretName(name);
  assertSecretValue(value);
  return withTransaction(deps.db, async (tx) => {
    // The version is read then written (it is part of the AAD): serialise writers of one name.
    await advisoryXactLock(tx, `vault:${environmentId}:${name}`);
    const pool = await findEnvironmentPool(environmentId, tx);
    if (pool === null) throw new AppError("not_found", "Environment not found", { field: "environmentId" });
    const version = ((await findSecretVersion(environmentId, name, tx))?.version ?? 0) + 1;
    // Sealed with the environment's pool key when it has one: other pools' workers cannot open it.
    const ciphertext = sealSecret(keyringForPool(deps.keyring, pool), { environmentId, name, version }, value);
    await upsertSecret({ environmentId, name, version, ciphertext, updatedBy: actorId }, tx);
    await insertAudit(
      { actorId, action: "vault.set", target: secretTarget(environmentId, name), details: { environmentId, name, version }, requestId: input.requestId },
      tx,
    );
    return { name, version };
  });
}
