import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";
import { accessOf } from "./access";
import { findLiveById } from "./kitchen-repository";
import { kitchenAccess } from "./policy";

export interface KitchenVariableView {
  name: string;
  value: string;
  /** `kitchen`: set here (an override); `inherited`: copied from `inheritedFrom` when the Kitchen was created. */
  source: "kitchen" | "inherited";
  inheritedFrom: string | null;
}

/**
 * One Kitchen for its page: settings, staff, visible children, variables with their source, and
 * what the actor may do (merge into it, merge it up into its parent, write, manage).
 */
export async function getKitchenDetail(deps: Pick<KitchensDeps, "db">, name: string, actor: KitchenActor) {
  const k = await getKitchenForActorOrThrow(deps, name, actor, "read");
  const [staff, children, variables, creator, parent, alertRoutes] = await Promise.all([
    deps.db.kitchenStaff.findMany({
      where: { kitchenId: k.id },
      select: { isOwner: true, user: { select: { id: true, name: true, email: true } } },
      orderBy: [{ isOwner: "desc" }, { addedAt: "asc" }],
    }),
    deps.db.kitchen.findMany({
      where: { parentId: k.id, deletedAt: null },
      select: { name: true, isPrivate: true, environment: { select: { kind: true } }, staff: { select: { userId: true, isOwner: true } } },
      orderBy: { name: "asc" },
    }),
    deps.db.kitchenVariable.findMany({ where: { kitchenId: k.id }, select: { name: true, value: true, inheritedFrom: true }, orderBy: { name: "asc" } }),
    k.createdById ? deps.db.user.findUnique({ where: { id: k.createdById }, select: { name: true } }) : null,
    k.parentId ? findLiveById(k.parentId, deps.db) : null,
    // Where its alerts go; the URLs stay in the vault.
    deps.db.alertRoute.findMany({ where: { kitchenId: k.id }, select: { name: true, kind: true, enabled: true, health: true }, orderBy: { name: "asc" } }),
  ]);
  const access = accessOf(actor, k);
  return {
    kitchen: {
      id: k.id,
      name: k.name,
      parent: parent?.name ?? null,
      environment: k.environment.name,
      environmentKind: k.environment.kind,
      branch: k.branch,
      schema: k.schemaName,
      description: k.description,
      isPrivate: k.isPrivate,
      isPersistent: k.isPersistent,
      status: k.status,
      alertRoutes,
      createdBy: creator?.name ?? null,
      staff: staff.map((s) => ({ ...s.user, isOwner: s.isOwner })),
      lastActivityAt: k.lastActivityAt,
      createdAt: k.createdAt,
    },
    children: children
      .filter((c) => kitchenAccess(actor, { name: c.name, isPrivate: c.isPrivate, environmentKind: c.environment.kind, staff: c.staff }).visible)
      .map((c) => c.name),
    variables: variables.map(
      (v): KitchenVariableView => ({ name: v.name, value: v.value, source: v.inheritedFrom ? "inherited" : "kitchen", inheritedFrom: v.inheritedFrom }),
    ),
    canMergeInto: access.canMergeInto,
    canMergeUp: parent ? accessOf(actor, parent).canMergeInto : false,
    canWrite: access.canWrite,
    canManage: access.canManage,
  };
}
