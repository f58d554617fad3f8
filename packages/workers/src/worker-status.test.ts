import { describe, expect, it } from "vitest";
import { workerStatus } from "./worker-status";

const now = new Date("2026-12-07T01:00:00Z");
const ago = (s: number) => new Date(now.getTime() - s * 1000);

describe("workerStatus", () => {
  it("live, draining, gone (stopped or stale) and revoked", () => {
    expect(workerStatus({ beatAt: ago(3), draining: false, stoppedAt: null, credentialRevoked: false }, now, 60_000)).toBe("live");
    expect(workerStatus({ beatAt: ago(3), draining: true, stoppedAt: null, credentialRevoked: false }, now, 60_000)).toBe("draining");
    expect(workerStatus({ beatAt: ago(61), draining: false, stoppedAt: null, credentialRevoked: false }, now, 60_000)).toBe("gone");
    expect(workerStatus({ beatAt: ago(3), draining: false, stoppedAt: ago(1), credentialRevoked: false }, now, 60_000)).toBe("gone");
    expect(workerStatus({ beatAt: ago(3), draining: true, stoppedAt: null, credentialRevoked: true }, now, 60_000)).toBe("revoked");
    expect(workerStatus({ beatAt: ago(600), draining: false, stoppedAt: ago(500), credentialRevoked: true }, now, 60_000)).toBe("revoked");
  });
});
