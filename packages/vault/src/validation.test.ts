import { describe, expect, it } from "vitest";
import { assertSecretName, assertSecretValue } from "./validation";

describe("secret names and values", () => {
  it.each(["A", "WAREHOUSE_PASSWORD", "X1", "A" + "B".repeat(63)])("accepts %s", (n) => expect(() => assertSecretName(n)).not.toThrow());

  it.each(["", "a", "lower", "1ABC", "_A", "A-B", "A B", "A|B", "A:B", "A" + "B".repeat(64), "ÄB"])("rejects %j as invalid_input on field name", (n) => {
    try {
      assertSecretName(n);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: "invalid_input", field: "name" });
    }
  });

  it("caps values at 64 KiB of UTF-8", () => {
    expect(() => assertSecretValue("x".repeat(64 * 1024))).not.toThrow();
    expect(() => assertSecretValue("x".repeat(64 * 1024 + 1))).toThrow(/64 KiB/);
    expect(() => assertSecretValue("é".repeat(32 * 1024 + 1))).toThrow(/64 KiB/);
    expect(() => assertSecretValue(42)).toThrow(/string/);
  });
});
