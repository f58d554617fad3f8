import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateToken, hashToken, isTokenShaped, openPoolKeys, sealPoolKeys, tokenHint } from "./credential-token";

describe("worker credential tokens", () => {
  it("are shaped, hashed and hinted without giving the token away", () => {
    const t = generateToken();
    expect(isTokenShaped(t)).toBe(true);
    expect(isTokenShaped(t.slice(1))).toBe(false);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).not.toBe(hashToken(generateToken()));
    expect(tokenHint(t)).toBe(`gwc_…${t.slice(-4)}`);
  });

  it("seal the pool's keys so only the same token, credential and pool open them", () => {
    const t = generateToken();
    const keys = [randomBytes(32), randomBytes(32)];
    const sealed = sealPoolKeys(t, "c1", "production", keys);
    expect(sealed).not.toContain(keys[0].toString("base64"));
    expect(openPoolKeys(t, "c1", "production", sealed)).toEqual(keys);
    expect(() => openPoolKeys(generateToken(), "c1", "production", sealed)).toThrow();
    expect(() => openPoolKeys(t, "c2", "production", sealed)).toThrow();
    expect(() => openPoolKeys(t, "c1", "default", sealed)).toThrow();
  });
});
