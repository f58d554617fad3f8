// A schedule.fire job that used up its attempts: its tick is recorded as missed (with the reason)
// and alerted once, instead of staying pending forever.
import type { Db } from "@galley/db";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missScheduleTick } from "./fire";

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
