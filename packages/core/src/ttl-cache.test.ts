import { describe, expect, it } from "vitest";
import { createTtlCache } from "./ttl-cache";

describe("ttl cache", () => {
  it("computes once per key while fresh, shares the in-flight promise, recomputes after the ttl", async () => {
    let t = 0;
    let calls = 0;
    const cache = createTtlCache<number>(1000, 10, () => t);
    const compute = async () => ++calls;
    const [a, b] = await Promise.all([cache.get("k", compute), cache.get("k", compute)]);
    expect([a, b, calls]).toEqual([1, 1, 1]);
    t = 999;
    expect(await cache.get("k", compute)).toBe(1);
    expect(await cache.get("other", compute)).toBe(2);
    t = 1000;
    expect(await cache.get("k", compute)).toBe(3);
  });

  it("forgets failures and stays bounded", async () => {
    const cache = createTtlCache<number>(1000, 4, () => 0);
    await expect(cache.get("k", async () => { throw new Error("db down"); })).rejects.toThrow("db down");
    await Promise.resolve();
    expect(await cache.get("k", async () => 7)).toBe(7);
    for (let i = 0; i < 20; i++) await cache.get(`k${i}`, async () => i);
    expect(cache.size).toBeLessThanOrEqual(4);
  });

  it("drops only the entries a change concerns, and a computation in flight is not kept past it", async () => {
    const cache = createTtlCache<string>(60_000, 10, () => 0);
    await cache.get("k1|a", async () => "old a");
    await cache.get("k2|a", async () => "k2");
    let finish!: (v: string) => void;
    const inFlight = cache.get("k1|b", () => new Promise<string>((r) => (finish = r)));
    cache.deleteWhere((k) => k.startsWith("k1|"));
    finish("old b");
    expect(await inFlight).toBe("old b");
    expect(await cache.get("k1|a", async () => "new a")).toBe("new a");
    expect(await cache.get("k1|b", async () => "new b")).toBe("new b");
    expect(await cache.get("k2|a", async () => "recomputed")).toBe("k2");
    cache.delete("k2|a");
    expect(await cache.get("k2|a", async () => "recomputed")).toBe("recomputed");
  });
});
