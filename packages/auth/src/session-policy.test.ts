import { describe, expect, it } from "vitest";
import { isSessionActive, sessionExpiresAt, shouldTouch } from "./session-policy";
import { FREE_FAILURES_PER_SOURCE, isThrottled, throttleWindowStart } from "./throttle";

const H = 60 * 60 * 1000;
const t0 = new Date("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("session timeouts", () => {
  const s = { lastSeenAt: t0, expiresAt: sessionExpiresAt(t0) };

  it("absolute lifetime is 7 days", () => {
    expect(s.expiresAt.toISOString()).toBe("2026-01-08T00:00:00.000Z");
  });

  it("idles out after 12 hours without activity", () => {
    expect(isSessionActive(s, at(11.9 * H))).toBe(true);
    expect(isSessionActive(s, at(12 * H))).toBe(false);
  });

  it("ends after 7 days even when active", () => {
    const busy = { lastSeenAt: at(7 * 24 * H - 1000), expiresAt: s.expiresAt };
    expect(isSessionActive(busy, at(7 * 24 * H - 1))).toBe(true);
    expect(isSessionActive(busy, at(7 * 24 * H))).toBe(false);
  });

  it("touches lastSeenAt at most once a minute", () => {
    expect(shouldTouch(t0, at(59_999))).toBe(false);
    expect(shouldTouch(t0, at(60_000))).toBe(true);
  });
});

describe("sign-in throttle", () => {
  it("slows a source down after its free failures (FREE_FAILURES_PER_SOURCE), within a 15-minute window", () => {
    expect(isThrottled(FREE_FAILURES_PER_SOURCE - 1)).toBe(false);
    expect(isThrottled(FREE_FAILURES_PER_SOURCE)).toBe(true);
    expect(throttleWindowStart(at(15 * 60 * 1000))).toEqual(t0);
  });
});
