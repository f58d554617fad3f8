import { createHmac } from "node:crypto";
import type { Keyring } from "./keyring";

/**
 * The warehouse password of a Kitchen's LOGIN role (galley_k_<schema>). Derived from the active
 * KEK, never stored: the web app (which creates the role) and the worker (which connects as it)
 * compute the same value from the key ring they already load. A new active KEK gives a new
 * password; whoever next ensures the role (seed, worker) sets it with ALTER ROLE.
 */
export function kitchenRolePassword(keyring: Keyring, environmentId: string, schema: string): string {
  const key = keyring.keys.get(keyring.activeKekId);
  if (!key) throw new Error(`the active KEK ${keyring.activeKekId} is not in the key ring`);
  return createHmac("sha256", key).update(`galley-kitchen-role|${environmentId}|${schema}`).digest("base64url");
}
