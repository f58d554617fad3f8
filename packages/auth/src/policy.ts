// THE access policy of Galley: every route, page, git request and worker check asks this module
// (`decide`, `can`, `kitchenAccess`). Pure: callers load the facts (role, staff, privacy,
// environment kind) and this answers, with the refusal worded for the person asking.
// Rules read as tables so a reviewer can check them without reading code paths.
import type { Role } from "./types";

export type EnvironmentKind = "development" | "production";

export type EnvironmentAction =
  | "view" // see the environment and its metadata (never secret values or names)
  | "read_secret_names" // see which secrets its vault holds (names and versions, never values)
  | "manage" // edit the environment definition (warehouse, alert channel, data policy)
  | "manage_vault" // replace or rotate credentials in the environment's vault
  | "write" // create Kitchens, push, merge and run in Kitchens of this environment
  | "enable_schedule"; // turn a schedule on in this environment

/**
 * - `view`: know it exists (tree, name, parent, staff): shared Kitchens, or private ones for
 *   their staff and admins. Enough to merge it into a Kitchen one may write.
 * - `fetch`: see its branch over git (ref advertisement, fetch by object id): same as view.
 * - `read_runs`: its pipelines, runs, run events and logs, test results, dashboards: staff and
 *   admins, and managers (viewer role) in every non-private Kitchen.
 * - `read`: its files, history, commits, settings, variables and tables: staff and admins.
 *   Both reads also go to its reviewers: the staff of a Kitchen that an open merge request from
 *   it targets (asked to merge it, they must see what they merge and how it ran).
 * - `staff`: be on its staff (needed to create a child from it).
 * - `write`: change its files, variables and settings, push to it, merge into it: staff whose
 *   role may write its environment.
 * - `run`: start, cancel and resume runs: as write, and only while the Kitchen lives.
 * - `own`: manage staff, delete it: owners and admins, never the read-only viewer role.
 */
export type KitchenAction = "view" | "fetch" | "read_runs" | "read" | "staff" | "write" | "run" | "own" | "switch_schedule";

/** `merge-into` is `write` under its old name (merging into a Kitchen changes it). */
export type KitchenNeed = KitchenAction | "merge-into";

/**
 * Actions on the installation itself, not on one environment or Kitchen:
 * - `manage_workers`: see every worker and credential, issue and revoke worker credentials, set
 *   pools' capacity and move environments between pools (what a worker host may run and open).
 */
export type InstallationAction = "manage_workers";

export type Action = EnvironmentAction | KitchenAction | InstallationAction;

export interface KitchenFacts {
  name: string;
  isPrivate: boolean;
  environmentKind: EnvironmentKind;
  staff: readonly { userId: string; isOwner: boolean }[];
  /** Deleted Kitchens keep their history (readable) but nothing runs in them any more. */
  isDeleted?: boolean;
  /** Staff of the targets of this Kitchen's open merge requests (user ids). */
  reviewers?: readonly string[];
}

export type Resource = ({ type: "environment"; kind: EnvironmentKind }) | ({ type: "kitchen" } & KitchenFacts) | { type: "installation" };

export interface Actor {
  id: string;
  role: Role;
}

export interface Denial {
  code: "not_found" | "forbidden" | "conflict" | "unauthenticated";
  message: string;
}

const EVERYONE: readonly Role[] = ["admin", "developer", "dataops", "production", "viewer"];

const ENVIRONMENT_RULES: Record<EnvironmentKind, Record<EnvironmentAction, readonly Role[]>> = {
  development: {
    view: EVERYONE,
    // Developers reference development secrets in pipelines, so they may know the names.
    read_secret_names: ["admin", "dataops", "developer"],
    manage: ["admin", "dataops"],
    manage_vault: ["admin", "dataops"],
    write: ["admin", "dataops", "developer"],
    enable_schedule: ["admin", "dataops", "developer"],
  },
  production: {
    view: EVERYONE,
    // Issue 7: developers see no names of production vault secrets; managers never see any.
    read_secret_names: ["admin", "production"],
    manage: ["admin", "production"],
    manage_vault: ["admin", "production"],
    write: ["admin", "production"],
    enable_schedule: ["admin", "production"],
  },
};

/** Roles that read runs of every non-private Kitchen without being on its staff (issue 8: managers). */
const READS_ALL_RUNS: readonly Role[] = ["viewer"];
/** Roles that may never change anything, whatever staff list they are on. */
const READ_ONLY: readonly Role[] = ["viewer"];

export interface KitchenAccess {
  /** Private Kitchens do not exist for non-staff (404, like the tree that hides them). */
  visible: boolean;
  isStaff: boolean;
  isOwner: boolean;
  canRead: boolean;
  canReadRuns: boolean;
  canWrite: boolean;
  canRun: boolean;
  canMergeInto: boolean;
  canManage: boolean;
}

export function kitchenAccess(actor: Actor, k: KitchenFacts): KitchenAccess {
  const me = k.staff.find((s) => s.userId === actor.id);
  const isStaff = me !== undefined;
  const isAdmin = actor.role === "admin";
  const isReviewer = k.reviewers?.includes(actor.id) === true;
  const visible = isAdmin || isStaff || isReviewer || !k.isPrivate;
  const envWrite = ENVIRONMENT_RULES[k.environmentKind].write.includes(actor.role) && !READ_ONLY.includes(actor.role);
  const canWrite = isStaff && envWrite;
  return {
    visible,
    isStaff,
    isOwner: me?.isOwner === true,
    canRead: isStaff || isAdmin || isReviewer,
    canReadRuns: isStaff || isAdmin || isReviewer || (visible && READS_ALL_RUNS.includes(actor.role)),
    canWrite,
    canRun: canWrite && !k.isDeleted,
    canMergeInto: canWrite,
    canManage: !READ_ONLY.includes(actor.role) && (me?.isOwner === true || isAdmin),
  };
}

/** null when allowed; otherwise why not (404 for a private Kitchen one may not see, so its name does not leak). */
export function kitchenDenial(actor: Actor, k: KitchenFacts, need: KitchenNeed): Denial | null {
  const a = kitchenAccess(actor, k);
  if (!a.visible) return { code: "not_found", message: `Kitchen ${k.name} does not exist` };
  const notStaff: Denial = { code: "forbidden", message: `you are not on the staff of Kitchen ${k.name}; ask one of its owners to add you` };
  switch (need) {
    case "view":
    case "fetch":
      return null;
    case "read_runs":
      return a.canReadRuns ? null : notStaff;
    case "read":
      return a.canRead ? null : notStaff;
    case "staff":
      return a.isStaff ? null : notStaff;
    case "write":
    case "merge-into":
    case "run":
      if (!a.isStaff) return notStaff;
      if (!a.canWrite) return { code: "forbidden", message: roleRefusal(actor, k) };
      if (need === "run" && !a.canRun) return { code: "conflict", message: `Kitchen ${k.name} was deleted; its runs are kept as history` };
      return null;
    case "own":
      return a.canManage ? null : { code: "forbidden", message: `only owners of Kitchen ${k.name} (or an admin) may do this` };
    case "switch_schedule": {
      // Enabling/disabling a schedule: the environment's enable_schedule role first (in production
      // only production engineers and admins), then the staff who may write the Kitchen.
      if (!ENVIRONMENT_RULES[k.environmentKind].enable_schedule.includes(actor.role)) {
        return {
          code: "forbidden",
          message:
            k.environmentKind === "production"
              ? `only production engineers (or admins) may enable or disable schedules in Kitchen ${k.name}, which is in a production environment; you are a ${actor.role}`
              : `your role (${actor.role}) may not enable or disable schedules in the ${k.environmentKind} environment`,
        };
      }
      return kitchenDenial(actor, k, "write");
    }
  }
}

function roleRefusal(actor: Actor, k: KitchenFacts): string {
  if (READ_ONLY.includes(actor.role)) return `your role (${actor.role}) is read-only: it may not change Kitchen ${k.name}`;
  if (k.environmentKind === "production") {
    return `Kitchen ${k.name} is in a production environment: only production engineers and admins may change it`;
  }
  return `your role (${actor.role}) may not change Kitchens in the ${k.environmentKind} environment`;
}

function environmentDenial(actor: Actor, action: EnvironmentAction, kind: EnvironmentKind): Denial | null {
  if (ENVIRONMENT_RULES[kind][action].includes(actor.role)) return null;
  const who = ENVIRONMENT_RULES[kind][action].filter((r) => r !== "admin").join(", ");
  const what: Record<EnvironmentAction, string> = {
    view: `see the ${kind} environment`,
    read_secret_names: `see the names of ${kind} vault secrets`,
    manage: `manage the ${kind} environment`,
    manage_vault: `manage the ${kind} vault`,
    write: `change Kitchens in the ${kind} environment`,
    enable_schedule: `enable schedules in the ${kind} environment`,
  };
  return { code: "forbidden", message: `your role (${actor.role}) may not ${what[action]}: only ${who ? `${who} and ` : ""}admins may` };
}

const INSTALLATION_RULES: Record<InstallationAction, readonly Role[]> = {
  // A worker credential carries a pool's vault keys: only admins hand them out.
  manage_workers: ["admin"],
};

function installationDenial(actor: Actor, action: InstallationAction): Denial | null {
  if (!(action in INSTALLATION_RULES)) throw new Error(`policy: ${action} is not an installation action`);
  if (INSTALLATION_RULES[action].includes(actor.role)) return null;
  return { code: "forbidden", message: `your role (${actor.role}) may not manage worker hosts and their credentials: only admins may` };
}

const KITCHEN_ACTIONS = new Set<string>(["view", "fetch", "read_runs", "read", "staff", "write", "run", "own", "merge-into", "switch_schedule"]);

/** The one decision: null when `actor` may do `action` on `resource`, otherwise the refusal. */
export function decide(actor: Actor | null | undefined, action: Action | "merge-into", resource: Resource): Denial | null {
  if (!actor) return { code: "unauthenticated", message: "sign in first" };
  if (resource.type === "installation") return installationDenial(actor, action as InstallationAction);
  if (resource.type === "environment") {
    if (KITCHEN_ACTIONS.has(action) && action !== "view" && action !== "write") {
      throw new Error(`policy: ${action} is a Kitchen action, not an environment action`);
    }
    return environmentDenial(actor, action as EnvironmentAction, resource.kind);
  }
  if (!KITCHEN_ACTIONS.has(action)) throw new Error(`policy: ${action} is an environment action, not a Kitchen action`);
  return kitchenDenial(actor, resource, action as KitchenNeed);
}

export function can(actor: Actor | null | undefined, action: Action | "merge-into", resource: Resource): boolean {
  return decide(actor, action, resource) === null;
}
