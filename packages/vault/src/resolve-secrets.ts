import { GALLEY_CREDENTIAL_NAMES } from "@galley/core";
import type { VaultDeps } from "./deps";
import { openSecret } from "./envelope";
import { assertUuid } from "./validation";
import { readSealedSecretsAudited, secretTarget } from "./vault-repository";

export interface ResolveSecretsInput {
  environmentId: string;
  runId: string;
  nodeId?: string;
  requestId?: string;
}

/**
 * The worker's only way to get a pipeline's secret values, at node start. Galley's own
 * credentials (WAREHOUSE_PASSWORD, MASK_SALT: @galley/core GALLEY_CREDENTIAL_NAMES) are never
 * among them (issue 7 finding 4): see resolveGalleyCredentials. Fails closed: the audit row is
 * committed (same statement as the read) before anything is decrypted, so no audit row, no values.
 */
export async function resolveSecrets(deps: VaultDeps, input: ResolveSecretsInput): Promise<Record<string, string>> {
  const { environmentId, runId } = input;
  assertUuid(environmentId, "environmentId");
  assertUuid(runId, "runId");
  const { secrets } = await readSealedSecretsAudited(
    environmentId,
    { target: secretTarget(environmentId), runId, nodeId: input.nodeId ?? null, requestId: input.requestId ?? null, excludeNames: [...GALLEY_CREDENTIAL_NAMES] },
    deps.db,
  );
  const values: Record<string, string> = {};
  for (const r of secrets) values[r.name] = openSecret(deps.keyring, { environmentId, name: r.name, version: r.version }, r.ciphertext);
  return values;
}

export interface ReadEnvironmentSecretsInput {
  environmentId: string;
  names: string[];
  /** Recorded in the audit row, e.g. "warehouse connection (web)". */
  purpose: string;
}

/**
 * Secret values read for Galley's own use outside a run (the web's warehouse connection). The
 * same audited read as resolveSecrets: the `vault.read` row is written by the statement that
 * reads the ciphertexts, so no audit row, no values.
 */
export async function readEnvironmentSecrets(deps: VaultDeps, input: ReadEnvironmentSecretsInput): Promise<Record<string, string>> {
  const { environmentId } = input;
  assertUuid(environmentId, "environmentId");
  const { secrets } = await readSealedSecretsAudited(
    environmentId,
    { target: secretTarget(environmentId), runId: null, nodeId: null, requestId: null, purpose: input.purpose, names: input.names },
    deps.db,
  );
  const values: Record<string, string> = {};
  for (const r of secrets) values[r.name] = openSecret(deps.keyring, { environmentId, name: r.name, version: r.version }, r.ciphertext);
  return values;
}

/** Galley's own credentials of an environment (warehouse password, mask salt), read apart from a pipeline's secrets. */
export function resolveGalleyCredentials(deps: VaultDeps, input: { environmentId: string; purpose?: string }): Promise<Record<string, string>> {
  return readEnvironmentSecrets(deps, { environmentId: input.environmentId, names: [...GALLEY_CREDENTIAL_NAMES], purpose: input.purpose ?? "warehouse connection (worker)" });
}
