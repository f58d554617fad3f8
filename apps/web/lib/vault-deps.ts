import { AppError } from "@galley/core";
import { loadKeyring, type Keyring } from "@galley/vault";
import { decide } from "@galley/auth";
import type { AuthUser } from "@galley/auth";
import { config } from "./config";
import { db } from "./deps";

let keyring: Keyring | undefined;

/** The vault's key ring, loaded on first use (the key file is created on the first start). */
export function vaultDeps() {
  keyring ??= loadKeyring({ kek: config().GALLEY_KEK, oldKeks: config().GALLEY_KEK_OLD, kekFile: config().kekFile, create: true, poolKeks: config().GALLEY_POOL_KEKS });
  return { db: db(), keyring };
}

/** The environment by name, after checking the user may do `action` on it. */
export async function getEnvironmentForOrThrow(name: string, user: AuthUser, action: "view" | "read_secret_names" | "manage_vault") {
  const env = await db().environment.findUnique({ where: { name }, select: { id: true, name: true, kind: true } });
  if (!env) throw new AppError("not_found", `environment ${name} does not exist`);
  const denial = decide(user, action, { type: "environment", kind: env.kind });
  if (denial) throw new AppError(denial.code, denial.message);
  return env;
}
