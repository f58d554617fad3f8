import { describe, expect, it } from "vitest";
import { createTtlCache } from "./cache";

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
});
