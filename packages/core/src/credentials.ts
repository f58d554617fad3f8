/**
 * Galley's own credentials, kept in an environment's vault beside the pipeline secrets but never
 * resolved for a pipeline: `{{vault.WAREHOUSE_PASSWORD}}` is refused at validation, and the
 * worker's per-node secret read leaves them out. A node reaches its warehouse as its Kitchen's
 * role (PGUSER/PGPASSWORD), never as Galley's user.
 */
export const GALLEY_CREDENTIAL_NAMES: readonly string[] = ["WAREHOUSE_PASSWORD", "MASK_SALT"];

export function isGalleyCredential(name: string): boolean {
  return GALLEY_CREDENTIAL_NAMES.includes(name);
}
