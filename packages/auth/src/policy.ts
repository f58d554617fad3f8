// Environment-level authorisation as one table. Kitchen staff rules come with the Kitchens issue;
// for now a Kitchen only answers "may this person see it".
import type { Role } from "./types";

export type EnvironmentKind = "development" | "production";

export type Action =
  | "view" // see the environment / Kitchen and its metadata (never secret values)
  | "manage" // edit the environment definition (warehouse, alert channel, data policy)
  | "manage_vault" // replace or rotate credentials in the environment's vault
  | "write" // push, merge and run in Kitchens of this environment
  | "enable_schedule"; // turn a schedule on in this environment

export type Resource =
  | { type: "environment"; kind: EnvironmentKind }
  | { type: "kitchen"; isPrivate: boolean; staffUserIds: readonly string[] };

export interface Actor {
  id: string;
  role: Role;
}

const ENVIRONMENT_RULES: Record<EnvironmentKind, Record<Action, readonly Role[]>> = {
  development: {
    view: ["admin", "developer", "dataops", "production", "viewer"],
    manage: ["admin", "dataops"],
    manage_vault: ["admin", "dataops"],
    write: ["admin", "dataops", "developer"],
    enable_schedule: ["admin", "dataops", "developer"],
  },
  production: {
    view: ["admin", "developer", "dataops", "production", "viewer"],
    manage: ["admin", "production"],
    manage_vault: ["admin", "production"],
    write: ["admin", "production"],
    enable_schedule: ["admin", "production"],
  },
};

export function can(user: Actor | null | undefined, action: Action, resource: Resource): boolean {
  if (!user) return false;
  switch (resource.type) {
    case "environment":
      return ENVIRONMENT_RULES[resource.kind][action].includes(user.role);
    case "kitchen":
      if (action !== "view") return false; // staff-level rules arrive with the Kitchens issue
      return user.role === "admin" || !resource.isPrivate || resource.staffUserIds.includes(user.id);
  }
}
