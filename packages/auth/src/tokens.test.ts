import { describe, expect, it } from "vitest";
import { hashToken, isPlausibleToken, newAccessToken, newSessionToken } from "./tokens";

describe("tokens", () => {
  it("session tokens are 32 random bytes in base64url", () => {
    const t = newSessionToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t, "base64url")).toHaveLength(32);
    expect(newSessionToken()).not.toBe(t);
  });

  it("access tokens carry the gly_ prefix", () => {
    expect(newAccessToken()).toMatch(/^gly_[A-Za-z0-9_-]{43}$/);
  });

  it("stores only a sha256 digest", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("rejects implausible cookie values before any lookup", () => {
    expect(isPlausibleToken(newSessionToken())).toBe(true);
    for (const bad of [undefined, null, "", "short", "a".repeat(201), "x".repeat(30) + ";drop"]) expect(isPlausibleToken(bad)).toBe(false);
  });
});
