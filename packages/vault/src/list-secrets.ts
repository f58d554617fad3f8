import type { VaultDeps } from "./deps";
import { assertUuid } from "./validation";
import { findSecretsMetadata } from "./vault-repository";

export interface SecretMetadata {
  name: string;
  version: number;
  updatedAt: Date;
  updatedBy: string | null;
}

/** Names and metadata only: values never leave the vault except through resolveSecrets. */
export async function listSecrets(deps: Pick<VaultDeps, "db">, environmentId: string): Promise<SecretMetadata[]> {
  assertUuid(environmentId, "environmentId");
  const rows = await findSecretsMetadata(environmentId, deps.db);
  return rows.map((r) => ({ name: r.name, version: r.version, updatedAt: r.updatedAt, updatedBy: r.updatedBy }));
}
