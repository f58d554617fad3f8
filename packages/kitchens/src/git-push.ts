import { AppError } from "@galley/core";
import { factsOf } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { findLiveByBranches, listLiveBranchFacts, touchActivity } from "./kitchen-repository";
import { kitchenDenial } from "./policy";

/**
 * Git over HTTP: a push may only move branches of live Kitchens the person may write (staff, and
 * for production Kitchens the production or admin role). Branches without a Kitchen cannot be
 * created by pushing: Kitchens (and their branches) are created in Galley. Throws the refusal.
 */
export async function authorizeGitPush(deps: Pick<KitchensDeps, "db">, actor: KitchenActor, branches: string[]): Promise<void> {
  const kitchens = await findLiveByBranches([...new Set(branches)], deps.db);
  for (const branch of branches) {
    const k = kitchens.find((x) => x.branch === branch);
    if (!k) throw new AppError("forbidden", `no Kitchen uses branch ${branch}; create a Kitchen in Galley to get a branch`);
    const denial = kitchenDenial(actor, factsOf(k), "write");
    // A private Kitchen's name is not revealed to someone who cannot see it.
    if (denial) throw new AppError("forbidden", denial.code === "not_found" ? `no Kitchen uses branch ${branch}; create a Kitchen in Galley to get a branch` : denial.message);
  }
}

/** After a push landed: the Kitchens whose branches moved were active just now. */
export async function markBranchesActive(deps: Pick<KitchensDeps, "db">, branches: string[]): Promise<void> {
  if (branches.length === 0) return;
  const kitchens = await findLiveByBranches([...new Set(branches)], deps.db);
  await touchActivity(kitchens.map((k) => k.id), deps.db);
}

/**
 * Git over HTTP: the branches `actor` may see (the policy's `fetch`). Everything else, private
 * Kitchens' branches of other people and branches without a live Kitchen, is hidden from them.
 */
export async function visibleGitBranches(deps: Pick<KitchensDeps, "db">, actor: KitchenActor): Promise<string[]> {
  const rows = await listLiveBranchFacts(deps.db);
  return rows
    .filter((k) => kitchenDenial(actor, { name: k.name, isPrivate: k.isPrivate, environmentKind: k.environment.kind, staff: k.staff }, "fetch") === null)
    .map((k) => k.branch);
}
