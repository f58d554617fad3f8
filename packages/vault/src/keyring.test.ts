import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createKeyring, kekIdOf, KekError, loadKeyring, parseKek } from "./keyring";

const key = () => randomBytes(32).toString("base64");
const noFile = "/nonexistent/galley-test/kek";

describe("keyring from GALLEY_KEK", () => {
  it("accepts 32 bytes of base64 and derives a stable kekId", () => {
    const k = key();
    const a = loadKeyring({ kek: k, kekFile: noFile, create: false });
    const b = loadKeyring({ kek: ` ${k}\n`, kekFile: noFile, create: false });
    expect(a.activeKekId).toBe(b.activeKekId);
    expect(a.activeKekId).toMatch(/^k[0-9a-f]{12}$/);
    expect(a.keys.get(a.activeKekId)).toEqual(Buffer.from(k, "base64"));
  });

  it.each([
    ["empty", "", /empty/],
    ["short", randomBytes(16).toString("base64"), /decodes to 16 bytes/],
    ["long", randomBytes(48).toString("base64"), /decodes to 48 bytes/],
    ["garbled", "!".repeat(43) + "=", /not valid base64/],
    ["hex instead of base64", randomBytes(32).toString("hex"), /decodes to 48 bytes/],
  ])("rejects a %s key with a clear error", (_what, value, message) => {
    expect(() => loadKeyring({ kek: value, kekFile: noFile, create: true })).toThrow(KekError);
    expect(() => loadKeyring({ kek: value, kekFile: noFile, create: true })).toThrow(message);
  });

  it("refuses to start without any key when the file may not be created", () => {
    expect(() => loadKeyring({ kekFile: noFile, create: false })).toThrow(/GALLEY_KEK is not set and .* does not exist/);
  });

  it("adds GALLEY_KEK_OLD keys for opening but keeps the new one active", () => {
    const [active, old1, old2] = [key(), key(), key()];
    const ring = loadKeyring({ kek: active, oldKeks: `${old1}, ${old2}`, kekFile: noFile, create: false });
    expect(ring.activeKekId).toBe(kekIdOf(Buffer.from(active, "base64")));
    expect([...ring.keys.keys()]).toHaveLength(3);
    expect(() => loadKeyring({ kek: active, oldKeks: ["short"], kekFile: noFile, create: false })).toThrow(/GALLEY_KEK_OLD\[0\]/);
  });

  it("gives different keys different ids", () => {
    const ids = new Set(Array.from({ length: 100 }, () => createKeyring(randomBytes(32)).activeKekId));
    expect(ids.size).toBe(100);
    expect(() => parseKek("abc", "X")).toThrow(/X decodes to 2 bytes/);
  });
});
