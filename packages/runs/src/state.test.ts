import { describe, expect, it } from "vitest";
import { dependents, descendants, retryDelayMs, settledRunStatus } from "./state";

const diamond = { a: [], b: ["a"], c: ["a"], d: ["b", "c"], e: [] };

describe("run state rules", () => {
  it("settles only when every node is terminal", () => {
    expect(settledRunStatus(["succeeded", "running"])).toBeNull();
    expect(settledRunStatus(["succeeded", "reused"])).toBe("succeeded");
    expect(settledRunStatus(["succeeded", "failed", "skipped"])).toBe("failed");
    expect(settledRunStatus(["timed_out", "skipped"])).toBe("failed");
    expect(settledRunStatus(["succeeded", "cancelled"])).toBe("cancelled");
  });
  it("backs off exponentially with a cap", () => {
    expect([1, 2, 3].map((a) => retryDelayMs(1000, a))).toEqual([1000, 2000, 4000]);
    expect(retryDelayMs(1000, 30)).toBe(300_000);
  });
  it("finds descendants and direct dependents", () => {
    expect(descendants(diamond, "a").sort()).toEqual(["b", "c", "d"]);
    expect(descendants(diamond, "e")).toEqual([]);
    expect(dependents(diamond, "b")).toEqual(["d"]);
  });
});
