import { AppError, IDENTIFIER_RE } from "@galley/core";
import type { KitchenActor, KitchensDeps } from "./deps";
import { findLiveByName, type KitchenRecord } from "./kitchen-repository";
import { kitchenAccess, kitchenDenial, type KitchenAccess, type KitchenNeed } from "./policy";

export type { KitchenRecord };

export function factsOf(k: KitchenRecord) {
  return { name: k.name, isPrivate: k.isPrivate, environmentKind: k.environment.kind, staff: k.staff, reviewers: reviewersOf(k) };
}

/** Staff of the Kitchens its open merge requests target: the policy lets them read it. */
export function reviewersOf(k: { requestsFrom?: { target: { staff: { userId: string }[] } }[] }): string[] {
  return [...new Set((k.requestsFrom ?? []).flatMap((r) => r.target.staff.map((s) => s.userId)))];
}

/**
 * The one authorisation entry point of every Kitchen route: the live Kitchen called `name`, if
 * `actor` may do `need` in it. A private Kitchen does not exist for non-staff (404); other
 * refusals are 403 with the reason.
 */
export async function getKitchenForActorOrThrow(
  deps: Pick<KitchensDeps, "db">,
  name: string,
  actor: KitchenActor,
  need: KitchenNeed,
): Promise<KitchenRecord> {
  const k = IDENTIFIER_RE.test(name) ? await findLiveByName(name, deps.db) : null;
  if (!k) throw new AppError("not_found", `Kitchen ${name} does not exist`, { field: "kitchen" });
  assertAllowed(actor, k, need);
  return k;
}

export function assertAllowed(actor: KitchenActor, k: KitchenRecord, need: KitchenNeed): void {
  const denial = kitchenDenial(actor, factsOf(k), need);
  if (denial) throw new AppError(denial.code, denial.message, { field: "kitchen" });
}

export function accessOf(actor: KitchenActor, k: KitchenRecord): KitchenAccess {
  return kitchenAccess(actor, factsOf(k));
}
