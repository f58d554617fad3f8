// Who may do what in a Kitchen: one pure table, shared by the use cases and the pages.
// Environment rules (a developer never writes production) come from @galley/auth's policy.
import { can, type Actor, type EnvironmentKind } from "@galley/auth/policy";

/**
 * - `view`: know it exists (shared Kitchens, or private ones for their staff and admins); enough to
 *   merge it into a Kitchen one may write: its code is fetchable by every signed-in user anyway
 * - `read`: see its files, history, settings and data (staff, and admins for reading)
 * - `staff`: be on its staff (needed to create a child from it)
 * - `write`: change its files, variables and settings (staff whose role may write its environment)
 * - `merge-into`: merge another branch into it (same as write: staff of the target + environment role)
 * - `own`: manage staff, delete it (owners and admins)
 */
export type KitchenNeed = "view" | "read" | "staff" | "write" | "merge-into" | "own";

export interface KitchenFacts {
  name: string;
  isPrivate: boolean;
  environmentKind: EnvironmentKind;
  staff: readonly { userId: string; isOwner: boolean }[];
}

export interface KitchenAccess {
  /** Private Kitchens do not exist for non-staff (404, like the tree that hides them). */
  visible: boolean;
  isStaff: boolean;
  isOwner: boolean;
  canRead: boolean;
  canWrite: boolean;
  canMergeInto: boolean;
  canManage: boolean;
}

export function kitchenAccess(actor: Actor, k: KitchenFacts): KitchenAccess {
  const me = k.staff.find((s) => s.userId === actor.id);
  const isStaff = me !== undefined;
  const isAdmin = actor.role === "admin";
  const envWrite = can(actor, "write", { type: "environment", kind: k.environmentKind });
  return {
    visible: isAdmin || isStaff || !k.isPrivate,
    isStaff,
    isOwner: me?.isOwner === true,
    canRead: isStaff || isAdmin,
    canWrite: isStaff && envWrite,
    canMergeInto: isStaff && envWrite,
    canManage: me?.isOwner === true || isAdmin,
  };
}

export interface Denial {
  code: "not_found" | "forbidden";
  message: string;
}

/** null when allowed; otherwise why not, worded for the person asking. */
export function kitchenDenial(actor: Actor, k: KitchenFacts, need: KitchenNeed): Denial | null {
  const a = kitchenAccess(actor, k);
  if (!a.visible) return { code: "not_found", message: `Kitchen ${k.name} does not exist` };
  const notStaff = { code: "forbidden" as const, message: `you are not on the staff of Kitchen ${k.name}; ask one of its owners to add you` };
  switch (need) {
    case "view":
      return null;
    case "read":
      return a.canRead ? null : notStaff;
    case "staff":
      return a.isStaff ? null : notStaff;
    case "write":
    case "merge-into":
      if (!a.isStaff) return notStaff;
      if (a.canWrite) return null;
      return { code: "forbidden", message: roleRefusal(actor, k) };
    case "own":
      return a.canManage ? null : { code: "forbidden", message: `only owners of Kitchen ${k.name} (or an admin) may do this` };
  }
}

function roleRefusal(actor: Actor, k: KitchenFacts): string {
  if (k.environmentKind === "production") {
    return `Kitchen ${k.name} is in a production environment: only production engineers and admins may change it`;
  }
  return `your role (${actor.role}) may not change Kitchens in the ${k.environmentKind} environment`;
}
