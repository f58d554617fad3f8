// The Workers admin area: who may use it (the one policy) and what its use cases need.
import { decide, type AuthUser } from "@galley/auth";
import { AppError } from "@galley/core";
import { vaultDeps } from "./vault-deps";

/** Throws unless the user may manage worker hosts (admins: see @galley/auth policy). */
export function assertManageWorkers(user: AuthUser): void {
  const denial = decide(user, "manage_workers", { type: "installation" });
  if (denial) throw new AppError(denial.code, denial.message);
}

/** Galley's database and the control plane's key ring (a credential seals its pool's keys). */
export function workersDeps() {
  return vaultDeps();
}
