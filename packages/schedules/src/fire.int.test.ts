// A schedule.fire job that used up its attempts: its tick is recorded as missed (with the reason)
// and alerted once, instead of staying pending forever.
import type { Db } from "@galley/db";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missScheduleTick, STALE_TICK_MS, sweepStaleTicks } from "./fire";
import { startScheduler } from "./ticker";

let t: TestDatabase;
let db: Db;
let scheduleId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  const env = await db.environment.create({ data: { name: "development", kind: "development", warehouseHost: "h", warehouseDb: "d", warehouseUser: "u" } });
  const k = await db.kitchen.create({ data: { name: "dev", branch: "dev", environmentId: env.id, schemaName: "dev" } });
  // Alert events are written only when a route of the Kitchen listens.
  await db.alertRoute.create({ data: { kitchenId: k.id, name: "oncall", kind: "webhook", events: ["schedule.missed"] } });
  const s = await db.schedule.create({ data: { kitchenId: k.id, name: "nightly", pipeline: "quick", cron: "0 6 * * *", timezone: "UTC", enabled: true, sourceCommit: "c0ffee" } });
  scheduleId = s.id;
});
afterAll(async () => {
  await t?.drop();
});

describe("missScheduleTick", () => {
  it("records a pending tick as missed with the reason and emits schedule.missed once", async () => {
    const tick = await db.scheduleTick.create({ data: { scheduleId, tickAt: new Date("2026-12-06T06:00:00Z") } });
    const reason = "the run could not start after 3 attempts: connection refused";
    expect(await missScheduleTick({ db }, { tickId: tick.id, reason })).toBe(true);
    expect(await db.scheduleTick.findUniqueOrThrow({ where: { id: tick.id } })).toMatchObject({ status: "missed", reason });
    // A second failure report (a re-delivered job) changes nothing and alerts nobody again.
    expect(await missScheduleTick({ db }, { tickId: tick.id, reason: "again" })).toBe(false);
    const alerts = await db.$queryRaw<{ payload: { event: string; tickId: string } }[]>`SELECT payload FROM outbox WHERE payload->>'tickId' = ${tick.id}`;
    expect(alerts.map((a) => a.payload)).toEqual([{ event: "schedule.missed", tickId: tick.id }]);
  });

  it("leaves a tick that started its run alone", async () => {
    const tick = await db.scheduleTick.create({ data: { scheduleId, tickAt: new Date("2026-12-07T06:00:00Z"), status: "started" } });
    expect(await missScheduleTick({ db }, { tickId: tick.id, reason: "late failure" })).toBe(false);
    expect((await db.scheduleTick.findUniqueOrThrow({ where: { id: tick.id } })).status).toBe("started");
  });
});

describe("a tick left pending when the worker died during its job's last attempt", () => {
  it("is swept as missed by the ticker, with the reason, and alerted once", async () => {
    const now = new Date();
    const old = new Date(now.getTime() - STALE_TICK_MS - 60_000);
    // Nobody recorded it: the handler that would have called missScheduleTick died with its worker.
    const stale = await db.scheduleTick.create({ data: { scheduleId, tickAt: new Date("2026-12-08T06:00:00Z"), createdAt: old } });
    const fresh = await db.scheduleTick.create({ data: { scheduleId, tickAt: new Date("2026-12-09T06:00:00Z") } });
    const started = await db.scheduleTick.create({ data: { scheduleId, tickAt: new Date("2026-12-10T06:00:00Z"), status: "started", createdAt: old } });
    // The ticker (as every worker runs it) sweeps on its first pass.
    const stop = new AbortController();
    const scheduler = startScheduler({ db, signal: stop.signal, maxSleepMs: 50 });
    for (let i = 0; i < 100 && (await db.scheduleTick.findUniqueOrThrow({ where: { id: stale.id } })).status === "pending"; i++) await new Promise((r) => setTimeout(r, 100));
    stop.abort();
    await scheduler.stopped;
    expect(await db.scheduleTick.findUniqueOrThrow({ where: { id: stale.id } })).toMatchObject({ status: "missed", reason: expect.stringMatching(/did not finish within 15 minutes/) });
    // A tick whose job may still be running, and one that started its run, are left alone.
    expect((await db.scheduleTick.findUniqueOrThrow({ where: { id: fresh.id } })).status).toBe("pending");
    expect((await db.scheduleTick.findUniqueOrThrow({ where: { id: started.id } })).status).toBe("started");
    // Two more sweeps (other workers): nothing new, one alert in all.
    expect(await sweepStaleTicks({ db }, new Date())).toEqual([]);
    expect(await sweepStaleTicks({ db }, new Date())).toEqual([]);
    const alerts = await db.$queryRaw<{ payload: { event: string; tickId: string } }[]>`SELECT payload FROM outbox WHERE payload->>'tickId' = ${stale.id}`;
    expect(alerts.map((a) => a.payload)).toEqual([{ event: "schedule.missed", tickId: stale.id }]);
  });
});
