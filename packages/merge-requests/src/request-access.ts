import { AppError } from "@galley/core";
import { accessOf, findAnyById, fitsRule, mayMerge, effectiveMergeRules, type KitchenActor, type KitchenRecord, type TMergeRules } from "@galley/kitchens";
import type { MergeRequestsDeps } from "./deps";
import { findRequestById, type RequestRecord } from "./request-repository";

export interface RequestContext {
  request: RequestRecord;
  source: KitchenRecord;
  target: KitchenRecord;
  rules: TMergeRules;
  may: { see: boolean; review: boolean; approve: boolean; merge: boolean; close: boolean };
}

/**
 * Who may do what with a request. Its source's staff see it; so does the target's staff, who
 * are asked to merge it (they see the source's diff, checks and data diff through the request
 * even when the source Kitchen is private to its staff).
 */
export function requestPermissions(actor: KitchenActor, request: Pick<RequestRecord, "createdById">, source: KitchenRecord, target: KitchenRecord, rules: TMergeRules): RequestContext["may"] {
  const src = accessOf(actor, source);
  const tgt = accessOf(actor, target);
  const person = { id: actor.id, role: actor.role, isTargetStaff: tgt.isStaff };
  const see = actor.role === "admin" || src.canRead || tgt.isStaff;
  const review = see && actor.role !== "viewer" && (tgt.isStaff || fitsRule(rules.approvers, person));
  return {
    see,
    review,
    approve: review && actor.id !== request.createdById && fitsRule(rules.approvers, person),
    merge: see && tgt.canMergeInto && mayMerge(rules, { ...person, canWriteTarget: tgt.canMergeInto }),
    close: see && (actor.id === request.createdById || tgt.canMergeInto || actor.role === "admin"),
  };
}

export async function getRequestForActorOrThrow(deps: Pick<MergeRequestsDeps, "db">, id: string, actor: KitchenActor): Promise<RequestContext> {
  const request = /^[0-9a-f-]{36}$/i.test(id) ? await findRequestById(id, deps.db) : null;
  const notFound = new AppError("not_found", `merge request ${id} does not exist`, { field: "id" });
  if (!request) throw notFound;
  const [source, target] = await Promise.all([findAnyById(request.sourceKitchenId, deps.db), findAnyById(request.targetKitchenId, deps.db)]);
  if (!source || !target) throw notFound;
  const rules = effectiveMergeRules(target.mergeRules, target.environment.kind);
  const may = requestPermissions(actor, request, source, target, rules);
  if (!may.see) throw notFound;
  return { request, source, target, rules, may };
}
