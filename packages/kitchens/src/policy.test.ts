import { describe, expect, it } from "vitest";
import { kitchenAccess, kitchenDenial, type KitchenFacts } from "./policy";

const dev: KitchenFacts = { name: "dev", isPrivate: false, environmentKind: "development", staff: [{ userId: "chris", isOwner: true }, { userId: "padma", isOwner: false }, { userId: "maya", isOwner: false }] };
const prod: KitchenFacts = { name: "production", isPrivate: false, environmentKind: "production", staff: [{ userId: "eric", isOwner: true }, { userId: "padma", isOwner: false }] };
const secret: KitchenFacts = { name: "secret", isPrivate: true, environmentKind: "development", staff: [{ userId: "padma", isOwner: true }] };

const padma = { id: "padma", role: "developer" } as const;
const chris = { id: "chris", role: "dataops" } as const;
const eric = { id: "eric", role: "production" } as const;
const maya = { id: "maya", role: "viewer" } as const;
const admin = { id: "ada", role: "admin" } as const;
const stranger = { id: "sam", role: "developer" } as const;

describe("kitchenDenial", () => {
  it("lets staff read and write a development Kitchen", () => {
    expect(kitchenDenial(padma, dev, "read")).toBeNull();
    expect(kitchenDenial(padma, dev, "write")).toBeNull();
    expect(kitchenDenial(padma, dev, "merge-into")).toBeNull();
  });

  it("refuses non-staff with 403 on a shared Kitchen and 404 on a private one", () => {
    expect(kitchenDenial(stranger, dev, "read")).toMatchObject({ code: "forbidden", message: expect.stringContaining("not on the staff of Kitchen dev") });
    expect(kitchenDenial(stranger, secret, "read")).toEqual({ code: "not_found", message: "Kitchen secret does not exist" });
    expect(kitchenDenial(stranger, secret, "own")?.code).toBe("not_found");
  });

  it("never lets a developer write production, even on its staff", () => {
    expect(kitchenDenial(padma, prod, "read")).toBeNull();
    expect(kitchenDenial(padma, prod, "write")).toMatchObject({ code: "forbidden", message: expect.stringContaining("production engineers and admins") });
    expect(kitchenDenial(padma, prod, "merge-into")?.code).toBe("forbidden");
    expect(kitchenDenial(eric, prod, "merge-into")).toBeNull();
  });

  it("keeps viewers read-only", () => {
    expect(kitchenDenial(maya, dev, "read")).toBeNull();
    expect(kitchenDenial(maya, dev, "write")).toMatchObject({ code: "forbidden", message: expect.stringContaining("viewer") });
  });

  it("lets admins read and manage without being staff, but not write", () => {
    expect(kitchenDenial(admin, secret, "read")).toBeNull();
    expect(kitchenDenial(admin, secret, "own")).toBeNull();
    expect(kitchenDenial(admin, dev, "write")?.code).toBe("forbidden");
    expect(kitchenDenial(admin, dev, "staff")?.code).toBe("forbidden");
  });

  it("lets anyone see a shared Kitchen, and only staff and admins a private one", () => {
    expect(kitchenDenial(stranger, dev, "view")).toBeNull();
    expect(kitchenDenial(stranger, secret, "view")?.code).toBe("not_found");
    expect(kitchenDenial(admin, secret, "view")).toBeNull();
  });

  it("reserves own for owners", () => {
    expect(kitchenDenial(chris, dev, "own")).toBeNull();
    expect(kitchenDenial(padma, dev, "own")).toMatchObject({ code: "forbidden", message: "only owners of Kitchen dev (or an admin) may do this" });
  });

  it("summarises access for pages", () => {
    expect(kitchenAccess(padma, dev)).toEqual({ visible: true, isStaff: true, isOwner: false, canRead: true, canWrite: true, canMergeInto: true, canManage: false });
    expect(kitchenAccess(stranger, secret).visible).toBe(false);
  });
});
