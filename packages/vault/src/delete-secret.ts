import { AppError } from "@galley/core";
import { withTransaction } from "@galley/db";
import type { VaultDeps } from "./deps";
import { assertSecretName, assertUuid } from "./validation";
import { deleteSecretRow, insertAudit, secretTarget } from "./vault-repository";

export interface DeleteSecretInput {
  environmentId: string;
  name: string;
  actorId: string;
  requestId?: string;
}

export async function deleteSecret(deps: Pick<VaultDeps, "db">, input: DeleteSecretInput): Promise<void> {
  const { environmentId, name, actorId } = input;
  assertUuid(environmentId, "environmentId");
  assertUuid(actorId, "actorId");
  assertSecretName(name);
  await withTransaction(deps.db, async (tx) => {
    const deleted = await deleteSecretRow(environmentId, name, tx);
    if (!deleted) throw new AppError("not_found", `Secret ${name} not found`, { field: "name" });
    await insertAudit(
      { actorId, action: "vault.delete", target: secretTarget(environmentId, name), details: { environmentId, name, version: deleted.version }, requestId: input.requestId },
      tx,
    );
  });
}
