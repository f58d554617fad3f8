import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { kekIdOfSealed, openSecret, rewrapSealed, sealSecret, VaultDecryptError } from "./envelope";
import { createKeyring } from "./keyring";

const ref = { environmentId: randomUUID(), name: "WAREHOUSE_PASSWORD", version: 1 };
const keyring = createKeyring(randomBytes(32));

/** Flips one bit in base64url part `index` (2 = wrap iv, 3 = wrapped DEK, 4 = wrap tag, 5 = iv, 6 = ct, 7 = tag). */
function flipBit(sealed: string, index: number, bit = 0): string {
  const parts = sealed.split(":");
  const buf = Buffer.from(parts[index], "base64url");
  buf[0] ^= 1 << bit;
  parts[index] = buf.toString("base64url");
  return parts.join(":");
}

describe("envelope", () => {
  it("round-trips text, empty and unicode values", () => {
    for (const v of ["s3cret!", "", "pässwörd 🔑", "x".repeat(64 * 1024)]) {
      expect(openSecret(keyring, ref, sealSecret(keyring, ref, v))).toBe(v);
    }
  });

  it("serialises as gv1:<kekId>: then six base64url parts, with fresh randomness each time", () => {
    const a = sealSecret(keyring, ref, "same");
    const b = sealSecret(keyring, ref, "same");
    expect(a.startsWith(`gv1:${keyring.activeKekId}:`)).toBe(true);
    expect(a.split(":")).toHaveLength(8);
    expect(a).not.toBe(b);
    expect(a).not.toContain("same");
  });

  it("fails with another key of the same id space", () => {
    const sealed = sealSecret(keyring, ref, "v");
    const other = createKeyring(randomBytes(32));
    expect(() => openSecret(other, ref, sealed)).toThrow(/not in the keyring/);
    // Same kekId forced onto a different key: authentication must fail, not return garbage.
    const impostor = { activeKekId: keyring.activeKekId, keys: new Map([[keyring.activeKekId, randomBytes(32)]]) };
    expect(() => openSecret(impostor, ref, sealed)).toThrow(VaultDecryptError);
  });

  it.each([
    [2, "wrap iv"],
    [3, "wrapped DEK"],
    [4, "wrap tag"],
    [5, "iv"],
    [6, "ciphertext"],
    [7, "tag"],
  ])("throws when one bit of the %s part (%s) is flipped", (index) => {
    const sealed = sealSecret(keyring, ref, "a value worth protecting");
    for (const bit of [0, 7]) expect(() => openSecret(keyring, ref, flipBit(sealed, index, bit))).toThrow(VaultDecryptError);
  });

  it("throws when moved to another environment, name or version", () => {
    const sealed = sealSecret(keyring, ref, "prod-password");
    expect(() => openSecret(keyring, { ...ref, environmentId: randomUUID() }, sealed)).toThrow(VaultDecryptError);
    expect(() => openSecret(keyring, { ...ref, name: "OTHER" }, sealed)).toThrow(VaultDecryptError);
    expect(() => openSecret(keyring, { ...ref, version: 2 }, sealed)).toThrow(VaultDecryptError);
  });

  it("rejects malformed envelopes", () => {
    const sealed = sealSecret(keyring, ref, "v");
    for (const bad of ["", "plain text", sealed.replace(/^gv1/, "gv2"), sealed + ":x", sealed.split(":").slice(0, 7).join(":"), sealed.replace(/:([^:]*)$/, ":%%%")]) {
      expect(() => openSecret(keyring, ref, bad)).toThrow(VaultDecryptError);
    }
  });

  it("rewraps to the active KEK without touching the data layer", () => {
    const oldKey = randomBytes(32);
    const before = createKeyring(oldKey);
    const sealed = sealSecret(before, ref, "rotate me");
    const after = createKeyring(randomBytes(32), [oldKey]);
    const rewrapped = rewrapSealed(after, ref, sealed);
    expect(kekIdOfSealed(rewrapped)).toBe(after.activeKekId);
    expect(rewrapped.split(":").slice(5)).toEqual(sealed.split(":").slice(5));
    expect(openSecret(createKeyring(after.keys.get(after.activeKekId)!), ref, rewrapped)).toBe("rotate me");
    expect(rewrapSealed(after, ref, rewrapped)).toBe(rewrapped);
    expect(() => rewrapSealed(after, { ...ref, name: "MOVED" }, sealed)).toThrow(VaultDecryptError);
  });
});
