// The access policy as a table: each row is (who, action, on what) → allowed or the refusal code.
// A rule changed by accident flips a row here.
import { describe, expect, it } from "vitest";
import { can, decide, kitchenAccess, kitchenDenial, type Action, type KitchenFacts, type Resource } from "./policy";
import { ROLES, type Role } from "./types";

const user = (role: Role, id = `u-${role}`) => ({ id, role });
const devEnv = { type: "environment", kind: "development" } as const;
const prodEnv = { type: "environment", kind: "production" } as const;

const dev: KitchenFacts = { name: "dev", isPrivate: false, environmentKind: "development", staff: [{ userId: "chris", isOwner: true }, { userId: "padma", isOwner: false }, { userId: "maya", isOwner: false }] };
const prod: KitchenFacts = { name: "production", isPrivate: false, environmentKind: "production", staff: [{ userId: "eric", isOwner: true }, { userId: "padma", isOwner: false }] };
const secret: KitchenFacts = { name: "secret", isPrivate: true, environmentKind: "development", staff: [{ userId: "padma", isOwner: true }] };
const shared: KitchenFacts = { name: "shared", isPrivate: false, environmentKind: "development", staff: [{ userId: "padma", isOwner: true }] };
const gone: KitchenFacts = { ...shared, name: "gone", isDeleted: true };

const padma = { id: "padma", role: "developer" } as const;
const chris = { id: "chris", role: "dataops" } as const;
const eric = { id: "eric", role: "production" } as const;
const maya = { id: "maya", role: "viewer" } as const; // manager, on dev's staff
const vera = { id: "vera", role: "viewer" } as const; // manager, on no staff
const admin = { id: "ada", role: "admin" } as const;
const stranger = { id: "sam", role: "developer" } as const;

const k = (f: KitchenFacts): Resource => ({ type: "kitchen", ...f });

function allowed(action: Action, env: typeof devEnv | typeof prodEnv): Role[] {
  return ROLES.filter((r) => can(user(r), action, env));
}

describe("installation rules", () => {
  it("only admins manage workers and their credentials", () => {
    expect(ROLES.filter((r) => can(user(r), "manage_workers", { type: "installation" }))).toEqual(["admin"]);
    expect(decide(user("production"), "manage_workers", { type: "installation" })).toMatchObject({ code: "forbidden" });
    expect(decide(null, "manage_workers", { type: "installation" })).toMatchObject({ code: "unauthenticated" });
  });
});

describe("environment rules", () => {
  it("only admin and dataops manage the development vault", () => {
    expect(allowed("manage_vault", devEnv)).toEqual(["admin", "dataops"]);
  });
  it("only admin and production manage the production vault and schedules", () => {
    expect(allowed("manage_vault", prodEnv)).toEqual(["admin", "production"]);
    expect(allowed("enable_schedule", prodEnv)).toEqual(["admin", "production"]);
  });
  it("developers cannot touch production; everyone can view", () => {
    expect(can(user("developer"), "write", prodEnv)).toBe(false);
    expect(can(user("developer"), "write", devEnv)).toBe(true);
    expect(allowed("view", prodEnv)).toHaveLength(5);
    expect(allowed("write", devEnv)).not.toContain("viewer");
  });
  it("developers see no names of production vault secrets; managers see none anywhere", () => {
    expect(allowed("read_secret_names", prodEnv)).toEqual(["admin", "production"]);
    expect(allowed("read_secret_names", devEnv)).toEqual(["admin", "developer", "dataops"]);
    expect(decide(user("developer"), "read_secret_names", prodEnv)).toMatchObject({ code: "forbidden", message: expect.stringContaining("names of production vault secrets") });
  });
  it("whoever manages a vault may read its names", () => {
    for (const env of [devEnv, prodEnv]) for (const r of allowed("manage_vault", env)) expect(can(user(r), "read_secret_names", env)).toBe(true);
  });
  it("no user, no access", () => {
    expect(can(null, "view", devEnv)).toBe(false);
    expect(decide(undefined, "read", k(dev))?.code).toBe("unauthenticated");
  });
  it("refuses a Kitchen action on an environment (a caller's bug, not a refusal)", () => {
    expect(() => decide(admin, "read_runs", devEnv)).toThrow(/Kitchen action/);
    expect(() => decide(admin, "manage_vault", k(dev))).toThrow(/environment action/);
  });
});

describe("Kitchen rules", () => {
  // [actor, kitchen, action, expected: null = allowed, or the refusal code]
  const table: [string, { id: string; role: Role }, KitchenFacts, Parameters<typeof kitchenDenial>[2], string | null][] = [
    ["staff read their dev Kitchen", padma, dev, "read", null],
    ["staff write their dev Kitchen", padma, dev, "write", null],
    ["staff merge into their dev Kitchen", padma, dev, "merge-into", null],
    ["staff run in their dev Kitchen", padma, dev, "run", null],
    ["non-staff may not read a shared Kitchen's files", stranger, dev, "read", "forbidden"],
    ["non-staff developers may not read a shared Kitchen's runs", stranger, shared, "read_runs", "forbidden"],
    ["non-staff see a shared Kitchen", stranger, dev, "view", null],
    ["non-staff fetch a shared Kitchen's branch", stranger, dev, "fetch", null],
    ["a private Kitchen does not exist for non-staff (view)", stranger, secret, "view", "not_found"],
    ["a private Kitchen does not exist for non-staff (fetch)", stranger, secret, "fetch", "not_found"],
    ["a private Kitchen does not exist for non-staff (own)", stranger, secret, "own", "not_found"],
    ["a developer on production's staff reads it", padma, prod, "read", null],
    ["a developer never writes production", padma, prod, "write", "forbidden"],
    ["a developer never merges into production", padma, prod, "merge-into", "forbidden"],
    ["a developer never runs in production", padma, prod, "run", "forbidden"],
    ["a production engineer merges into production", eric, prod, "merge-into", null],
    ["a manager reads runs of a shared Kitchen without staff", vera, shared, "read_runs", null],
    ["a manager reads runs of production", vera, prod, "read_runs", null],
    ["a manager never sees a private Kitchen", vera, secret, "read_runs", "not_found"],
    ["a manager does not read files of a Kitchen off their staff", vera, shared, "read", "forbidden"],
    ["a manager on staff reads files", maya, dev, "read", null],
    ["a manager on staff still writes nothing", maya, dev, "write", "forbidden"],
    ["a manager on staff still runs nothing", maya, dev, "run", "forbidden"],
    ["a manager never runs anything anywhere", vera, shared, "run", "forbidden"],
    ["a manager owning a Kitchen still manages nothing", { id: "maya", role: "viewer" }, { ...dev, staff: [{ userId: "maya", isOwner: true }] }, "own", "forbidden"],
    ["admins read private Kitchens", admin, secret, "read", null],
    ["admins read runs of private Kitchens", admin, secret, "read_runs", null],
    ["admins manage private Kitchens", admin, secret, "own", null],
    ["admins do not write without being staff", admin, dev, "write", "forbidden"],
    ["admins are not staff", admin, dev, "staff", "forbidden"],
    ["owners own", chris, dev, "own", null],
    ["staff who are not owners do not own", padma, dev, "own", "forbidden"],
    ["nothing runs in a deleted Kitchen", padma, gone, "run", "conflict"],
    ["a deleted Kitchen's runs stay readable", padma, gone, "read_runs", null],
  ];
  it.each(table)("%s", (_, actor, kitchen, action, expected) => {
    expect(kitchenDenial(actor, kitchen, action)?.code ?? null).toBe(expected);
    expect(decide(actor, action, k(kitchen))?.code ?? null).toBe(expected);
  });

  it("words refusals for the person asking", () => {
    expect(kitchenDenial(stranger, dev, "read")?.message).toContain("not on the staff of Kitchen dev");
    expect(kitchenDenial(stranger, secret, "read")).toEqual({ code: "not_found", message: "Kitchen secret does not exist" });
    expect(kitchenDenial(padma, prod, "write")?.message).toContain("production engineers and admins");
    expect(kitchenDenial(maya, dev, "write")?.message).toContain("viewer");
    expect(kitchenDenial(padma, dev, "own")?.message).toBe("only owners of Kitchen dev (or an admin) may do this");
  });

  it("gives every role a read-only or refusal answer for every write-like action on a Kitchen outside its staff", () => {
    for (const role of ROLES) {
      for (const action of ["write", "merge-into", "run", "staff"] as const) {
        expect(kitchenDenial(user(role, "outsider"), dev, action)?.code, `${role} ${action}`).toBe("forbidden");
      }
    }
  });

  it("summarises access for pages", () => {
    expect(kitchenAccess(padma, dev)).toEqual({ visible: true, isStaff: true, isOwner: false, canRead: true, canReadRuns: true, canWrite: true, canRun: true, canMergeInto: true, canManage: false });
    expect(kitchenAccess(stranger, secret).visible).toBe(false);
    expect(kitchenAccess(vera, shared)).toMatchObject({ visible: true, canRead: false, canReadRuns: true, canWrite: false, canManage: false });
  });
});

describe("reviewers (issue 10): the target's staff, asked to merge a Kitchen, may read it", () => {
  const asked: KitchenFacts = { ...secret, name: "asked", reviewers: ["chris"] };
  it("read and read_runs, even private; never write, run or own", () => {
    expect(kitchenDenial(chris, asked, "read")).toBeNull();
    expect(kitchenDenial(chris, asked, "read_runs")).toBeNull();
    expect(kitchenDenial(chris, asked, "write")?.code).toBe("forbidden");
    expect(kitchenDenial(chris, asked, "run")?.code).toBe("forbidden");
    expect(kitchenDenial(chris, asked, "own")?.code).toBe("forbidden");
  });
  it("nobody else gains anything (without an open request, Chris is a stranger again)", () => {
    expect(kitchenDenial(stranger, asked, "read")?.code).toBe("not_found");
    expect(kitchenDenial(chris, secret, "read")?.code).toBe("not_found");
    expect(kitchenDenial(chris, shared, "read")?.code).toBe("forbidden");
  });
});

describe("switching schedules on and off (issue 8)", () => {
  it("in production only production engineers (and admins) on its staff; a developer on its staff is told why", () => {
    expect(kitchenDenial(eric, prod, "switch_schedule")).toBeNull();
    expect(kitchenDenial(admin, prod, "switch_schedule")?.message).toMatch(/not on the staff/); // admins too must be on its staff, as for write
    expect(kitchenDenial(padma, prod, "switch_schedule")).toEqual({ code: "forbidden", message: expect.stringContaining("only production engineers (or admins) may enable or disable schedules in Kitchen production") });
    expect(kitchenDenial(chris, prod, "switch_schedule")?.code).toBe("forbidden");
  });

  it("in development the staff who may write it; never a manager, never outside the staff", () => {
    expect(kitchenDenial(chris, dev, "switch_schedule")).toBeNull();
    expect(kitchenDenial(padma, dev, "switch_schedule")).toBeNull();
    expect(kitchenDenial(maya, dev, "switch_schedule")?.code).toBe("forbidden");
    expect(kitchenDenial(stranger, dev, "switch_schedule")?.message).toMatch(/not on the staff/);
    expect(kitchenDenial(stranger, secret, "switch_schedule")?.code).toBe("not_found");
    expect(can(eric, "switch_schedule", k(prod))).toBe(true);
  });
});
