import { withTransaction } from "@galley/db";
import type { VaultDeps } from "./deps";
import { openSecret } from "./envelope";
import { assertUuid } from "./validation";
import { findSealedSecrets, insertAudit, secretTarget } from "./vault-repository";

export interface ResolveSecretsInput {
  environmentId: string;
  runId: string;
  nodeId?: string;
  requestId?: string;
}

/**
 * The worker's only way to get secret values, at node start. Fails closed: the audit row is
 * committed before anything is decrypted, so no audit row means no values.
 */
export async function resolveSecrets(deps: VaultDeps, input: ResolveSecretsInput): Promise<Record<string, string>> {
  const { environmentId, runId } = input;
  assertUuid(environmentId, "environmentId");
  assertUuid(runId, "runId");
  const rows = await withTransaction(deps.db, async (tx) => {
    const sealed = await findSealedSecrets(environmentId, tx);
    await insertAudit(
      {
        actorId: null,
        action: "vault.read",
        target: secretTarget(environmentId),
        details: { environmentId, runId, nodeId: input.nodeId ?? null, names: sealed.map((s) => s.name) },
        requestId: input.requestId,
      },
      tx,
    );
    return sealed;
  });
  const values: Record<string, string> = {};
  for (const r of rows) values[r.name] = openSecret(deps.keyring, { environmentId, name: r.name, version: r.version }, r.ciphertext);
  return values;
}
