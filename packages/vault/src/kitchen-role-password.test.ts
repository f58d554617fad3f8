import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createKeyring } from "./keyring";
import { kitchenRolePassword } from "./kitchen-role-password";

describe("kitchenRolePassword", () => {
  const a = randomBytes(32);
  const b = randomBytes(32);

  it("is HMAC-SHA256(active KEK, galley-kitchen-role|env|schema) in base64url", () => {
    const expected = createHmac("sha256", a).update("galley-kitchen-role|env-1|dev").digest("base64url");
    expect(kitchenRolePassword(createKeyring(a), "env-1", "dev")).toBe(expected);
    expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("is the same for every process holding the same key ring, and differs per environment, schema and active key", () => {
    const p = kitchenRolePassword(createKeyring(a, [b]), "env-1", "dev");
    expect(kitchenRolePassword(createKeyring(a), "env-1", "dev")).toBe(p);
    expect(kitchenRolePassword(createKeyring(a), "env-2", "dev")).not.toBe(p);
    expect(kitchenRolePassword(createKeyring(a), "env-1", "dev2")).not.toBe(p);
    expect(kitchenRolePassword(createKeyring(b, [a]), "env-1", "dev")).not.toBe(p);
    // The separator keeps (env "a|b", schema "c") apart from (env "a", schema "b|c").
    expect(kitchenRolePassword(createKeyring(a), "a", "b_c")).not.toBe(kitchenRolePassword(createKeyring(a), "a_b", "c"));
  });
});
