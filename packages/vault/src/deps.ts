import type { Db } from "@galley/db";
import type { Keyring } from "./keyring";

/** What the vault use cases need; the composition root builds it once at boot. */
export interface VaultDeps {
  db: Db;
  keyring: Keyring;
}
