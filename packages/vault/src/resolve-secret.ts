import { AppError } from "@galley/core";
import type { VaultDeps } from "./deps";
import { openSecret } from "./envelope";
import { assertSecretName, assertUuid } from "./validation";
import { secretTarget } from "./vault-repository";

export interface ResolveSecretInput {
  environmentId: string;
  name: string;
  /** Why the worker reads it (audited), e.g. `alert-delivery:<id>`. */
  purpose: string;
}

/**
 * One secret for a worker-side use that is not a node (an alert route's webhook URL). Like
 * resolveSecrets it fails closed: the read and its `vault.read` audit row are one statement.
 */
export async function resolveSecret(deps: VaultDeps, input: ResolveSecretInput): Promise<string> {
  assertUuid(input.environmentId, "environmentId");
  assertSecretName(input.name);
  const rows = await deps.db.$queryRaw<{ version: number | null; ciphertext: string | null }[]>`
    WITH s AS (
      SELECT version, ciphertext FROM vault_secrets WHERE environment_id = ${input.environmentId}::uuid AND name = ${input.name}
    ), a AS (
      INSERT INTO audit_log (actor_id, action, target, details)
      VALUES (NULL, 'vault.read', ${secretTarget(input.environmentId, input.name)},
              jsonb_build_object('environmentId', ${input.environmentId}::text, 'names', jsonb_build_array(${input.name}::text), 'purpose', ${input.purpose}::text))
      RETURNING id
    )
    SELECT s.version, s.ciphertext FROM a LEFT JOIN s ON true`;
  const row = rows[0];
  if (!row?.ciphertext || row.version === null) throw new AppError("not_found", `secret ${input.name} is not in the environment's vault`, { field: "name" });
  return openSecret(deps.keyring, { environmentId: input.environmentId, name: input.name, version: row.version }, row.ciphertext);
}
