import { describe, expect, it } from "vitest";
import { delayAfter, MAX_DELAY_MS, throttleDelay } from "./throttle";

const now = new Date("2026-12-01T00:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms);

describe("throttle rules", () => {
  it("grows delays 1 s, 2 s, 4 s ... after the free failures, capped at a minute", () => {
    expect([4, 5, 6, 7, 8].map((n) => delayAfter(n, 5))).toEqual([0, 1000, 2000, 4000, 8000]);
    expect(delayAfter(50, 5)).toBe(MAX_DELAY_MS);
  });
  it("owes the rest of the delay since the last failure", () => {
    const base = { isKnownSource: false, unknownFailures: 0, unknownLastFailureAt: null };
    expect(throttleDelay({ ...base, sourceFailures: 6, sourceLastFailureAt: ago(500) }, now)).toBe(1500);
    expect(throttleDelay({ ...base, sourceFailures: 6, sourceLastFailureAt: ago(3000) }, now)).toBe(0);
  });
  it("applies the account-wide budget to unknown sources only", () => {
    const f = { sourceFailures: 0, sourceLastFailureAt: null, unknownFailures: 100, unknownLastFailureAt: ago(10) };
    expect(throttleDelay({ ...f, isKnownSource: false }, now)).toBe(MAX_DELAY_MS - 10);
    expect(throttleDelay({ ...f, isKnownSource: true }, now)).toBe(0);
  });
});
