import { describe, expect, it } from "vitest";
import { assertPasswordPolicy, hashPassword, verifyPassword, verifyAgainstDummy } from "./password";

describe("password policy", () => {
  it("rejects 7 characters and accepts 8, 64 and 128", () => {
    expect(() => assertPasswordPolicy("a".repeat(6) + "Z")).toThrow(/at least 8/);
    for (const n of [8, 64, 128]) expect(() => assertPasswordPolicy("kx9".repeat(50).slice(0, n))).not.toThrow();
  });

  it("rejects 129 characters and common passwords, with field 'password'", () => {
    expect(() => assertPasswordPolicy("x".repeat(129))).toThrow(/at most 128/);
    try {
      assertPasswordPolicy("Password123");
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string; field: string }).code).toBe("invalid_input");
      expect((e as { field: string }).field).toBe("password");
    }
  });

  it("counts characters, not UTF-16 units", () => {
    expect(() => assertPasswordPolicy("🍳🍳🍳🍳🍳🍳🍳")).toThrow(/at least 8/);
    expect(() => assertPasswordPolicy("🍳🍳🍳🍳🍳🍳🍳🍳")).not.toThrow();
  });
});

describe("scrypt hashes", () => {
  it("uses the scrypt$N$r$p$salt$hash format with N=2^15, r=8, p=1", async () => {
    const h = await hashPassword("correct horse battery");
    const [alg, n, r, p, salt, key] = h.split("$");
    expect([alg, n, r, p]).toEqual(["scrypt", "32768", "8", "1"]);
    expect(Buffer.from(salt, "base64")).toHaveLength(16);
    expect(Buffer.from(key, "base64")).toHaveLength(32);
  });

  it("verifies the right password only, and salts every hash", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("", a)).toBe(false);
  });

  it("returns false for malformed or dangerous hashes instead of throwing", async () => {
    const good = await hashPassword("correct horse battery");
    const parts = good.split("$");
    expect(await verifyPassword("x", "not-a-hash")).toBe(false);
    expect(await verifyPassword("x", ["bcrypt", ...parts.slice(1)].join("$"))).toBe(false);
    // N = 2^30 would need gigabytes: refused before scrypt runs.
    expect(await verifyPassword("correct horse battery", ["scrypt", 2 ** 30, ...parts.slice(2)].join("$"))).toBe(false);
    expect(await verifyPassword("correct horse battery", ["scrypt", 1000, ...parts.slice(2)].join("$"))).toBe(false);
  });

  it("takes comparable time for unknown users (dummy verification)", async () => {
    const h = await hashPassword("correct horse battery");
    await verifyAgainstDummy("warm-up");
    const t0 = performance.now();
    await verifyPassword("wrong password", h);
    const real = performance.now() - t0;
    const t1 = performance.now();
    expect(await verifyAgainstDummy("wrong password")).toBe(false);
    const dummy = performance.now() - t1;
    expect(dummy).toBeGreaterThan(real * 0.3);
  });
});
