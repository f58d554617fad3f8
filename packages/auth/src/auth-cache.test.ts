import { describe, expect, it } from "vitest";
import { createAuthCache, type CachedAuth } from "./auth-cache";

const entry = (id: string): CachedAuth => ({ kind: "session", id, user: { id: `u_${id}`, email: `${id}@x`, name: id, role: "developer" }, lastSeenAt: new Date(0), expiresAt: new Date(1e13) });

describe("auth cache", () => {
  it("forgets an entry once its TTL has passed (the bound on a revoked session)", () => {
    let t = 0;
    const c = createAuthCache({ ttlMs: 5_000, now: () => t });
    c.set("a", entry("a"), c.generation);
    t = 4_999;
    expect(c.get("a")?.id).toBe("a");
    t = 5_000;
    expect(c.get("a")).toBeUndefined();
  });

  it("holds at most maxEntries, dropping the least recently used", () => {
    const c = createAuthCache({ maxEntries: 2, now: () => 0 });
    c.set("a", entry("a"), c.generation);
    c.set("b", entry("b"), c.generation);
    expect(c.get("a")).toBeDefined(); // a is now more recent than b
    c.set("c", entry("c"), c.generation);
    expect(c.size).toBe(2);
    expect(c.get("b")).toBeUndefined();
    expect(c.get("a")).toBeDefined();
    expect(c.get("c")).toBeDefined();
  });

  it("does not store a lookup that started before a delete or clear (it may have read a revoked row)", () => {
    const c = createAuthCache({ now: () => 0 });
    const before = c.generation;
    c.delete("a");
    c.set("a", entry("a"), before);
    expect(c.get("a")).toBeUndefined();
    const again = c.generation;
    c.clear();
    c.set("a", entry("a"), again);
    expect(c.get("a")).toBeUndefined();
  });

  it("runs one lookup for concurrent callers, and a fresh one after a delete", async () => {
    const c = createAuthCache();
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const lookup = (answer: string) => async () => (calls++, await gate, answer);
    const first = [c.once("k", lookup("first")), c.once("k", lookup("second"))];
    expect(calls).toBe(1);
    c.delete("k");
    const third = c.once("k", lookup("after delete"));
    expect(calls).toBe(2);
    release();
    expect(await Promise.all([...first, third])).toEqual(["first", "first", "after delete"]);
  });
});
