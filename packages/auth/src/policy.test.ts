import { describe, expect, it } from "vitest";
import { can, type Action } from "./policy";
import type { Role } from "./types";

const user = (role: Role, id = `u-${role}`) => ({ id, role });
const dev = { type: "environment", kind: "development" } as const;
const prod = { type: "environment", kind: "production" } as const;

function allowed(action: Action, env: typeof dev | typeof prod): Role[] {
  return (["admin", "developer", "dataops", "production", "viewer"] as Role[]).filter((r) => can(user(r), action, env));
}

describe("can()", () => {
  it("only admin and dataops manage the development vault", () => {
    expect(allowed("manage_vault", dev)).toEqual(["admin", "dataops"]);
  });

  it("only admin and production manage the production vault and schedules", () => {
    expect(allowed("manage_vault", prod)).toEqual(["admin", "production"]);
    expect(allowed("enable_schedule", prod)).toEqual(["admin", "production"]);
  });

  it("developers cannot touch production; everyone can view", () => {
    expect(can(user("developer"), "write", prod)).toBe(false);
    expect(can(user("developer"), "write", dev)).toBe(true);
    expect(allowed("view", prod)).toHaveLength(5);
    expect(allowed("write", dev)).not.toContain("viewer");
  });

  it("no user, no access", () => {
    expect(can(null, "view", dev)).toBe(false);
  });

  it("private Kitchens are visible to their staff and admins only", () => {
    const k = { type: "kitchen", isPrivate: true, staffUserIds: ["u-padma"] } as const;
    expect(can(user("developer", "u-padma"), "view", k)).toBe(true);
    expect(can(user("developer", "u-other"), "view", k)).toBe(false);
    expect(can(user("admin", "u-ada"), "view", k)).toBe(true);
    expect(can(user("viewer", "u-maya"), "view", { ...k, isPrivate: false })).toBe(true);
  });
});
