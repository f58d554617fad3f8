import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSecret, sealSecret } from "./envelope";
import { addKekToFile, KekError, loadKeyring, removeKeksFromFile } from "./keyring";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "galley-kek-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("key file", () => {
  it("is created on first start with mode 0400 in a 0700 directory, then reused", () => {
    const file = path.join(dir, "data", "kek");
    const first = loadKeyring({ kekFile: file, create: true });
    expect(statSync(file).mode & 0o777).toBe(0o400);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, "utf8")).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    const second = loadKeyring({ kekFile: file, create: true });
    expect(second.activeKekId).toBe(first.activeKekId);
    expect(second.keys.get(second.activeKekId)).toEqual(first.keys.get(first.activeKekId));
  });

  it("is not read when GALLEY_KEK is set", () => {
    const file = path.join(dir, "kek");
    const ring = loadKeyring({ kek: Buffer.alloc(32, 7).toString("base64"), kekFile: file, create: true });
    expect(ring.keys.size).toBe(1);
    expect(() => statSync(file)).toThrow(/ENOENT/);
  });

  it("refuses a key file readable by others, a garbled one and an empty one", () => {
    const file = path.join(dir, "kek");
    writeFileSync(file, Buffer.alloc(32, 1).toString("base64") + "\n", { mode: 0o644 });
    expect(() => loadKeyring({ kekFile: file, create: true })).toThrow(/chmod 400/);
    chmodSync(file, 0o600);
    writeFileSync(file, "not a key\n");
    expect(() => loadKeyring({ kekFile: file, create: true })).toThrow(KekError);
    writeFileSync(file, "\n");
    expect(() => loadKeyring({ kekFile: file, create: true })).toThrow(/holds no key/);
  });

  it("rotates: add a key (old secrets still open), then drop the old one", () => {
    const file = path.join(dir, "kek");
    const before = loadKeyring({ kekFile: file, create: true });
    const ref = { environmentId: randomUUID(), name: "A", version: 1 };
    const sealed = sealSecret(before, ref, "v");
    const newId = addKekToFile(file);
    expect(statSync(file).mode & 0o777).toBe(0o400);
    const during = loadKeyring({ kekFile: file, create: false });
    expect(during.activeKekId).toBe(newId);
    expect(openSecret(during, ref, sealed)).toBe("v");
    removeKeksFromFile(file, [newId]);
    const after = loadKeyring({ kekFile: file, create: false });
    expect([...after.keys.keys()]).toEqual([newId]);
    expect(() => openSecret(after, ref, sealed)).toThrow(/not in the keyring/);
    expect(() => removeKeksFromFile(file, ["knope"])).toThrow(/refusing/);
  });
});
