import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneOlderThan } from "./retention";
import { createTestDatabase, type TestDatabase } from "./testing";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

const DAY = 24 * 3600 * 1000;

describe("retention", () => {
  it("prunes sign-in attempts and heartbeats older than the retention, keeps the young ones", async () => {
    const old = new Date(Date.now() - 40 * DAY);
    await t.db.signInAttempt.createMany({ data: Array.from({ length: 25 }, (_, i) => ({ email: `a${i}@x`, ip: "127.0.0.1", succeeded: false, at: old })) });
    await t.db.signInAttempt.createMany({ data: Array.from({ length: 5 }, (_, i) => ({ email: `b${i}@x`, ip: "127.0.0.1", succeeded: true })) });
    await t.db.workerHeartbeat.createMany({ data: [{ workerId: "gone", hostname: "h", pid: 1, beatAt: old }, { workerId: "alive", hostname: "h", pid: 2 }] });
    // Small batches: the pass walks the oldest ids batch by batch.
    expect(await pruneOlderThan(t.db, "sign_in_attempts", 30 * DAY, { batch: 10 })).toBe(25);
    expect(await t.db.signInAttempt.count()).toBe(5);
    expect(await pruneOlderThan(t.db, "worker_heartbeats", DAY)).toBe(1);
    expect((await t.db.workerHeartbeat.findMany()).map((w) => w.workerId)).toEqual(["alive"]);
    expect(await pruneOlderThan(t.db, "sign_in_attempts", 30 * DAY)).toBe(0);
  });

  it("refuses tables outside the retention list and non-positive retention", async () => {
    await expect(pruneOlderThan(t.db, "users" as "node_logs", DAY)).rejects.toThrow(/not a retention table/);
    await expect(pruneOlderThan(t.db, "node_logs", 0)).rejects.toThrow(/must be positive/);
  });
});
