import { randomUUID } from "node:crypto";
import { createTestDatabase, uniq, type TestDatabase } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listPoolStatus, waitingForPool } from "./worker-pools";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe("worker pools read model", () => {
  it("counts live and draining workers per pool, and says which pool a queued run waits for", async () => {
    const prod = await t.db.environment.create({ data: { name: uniq("prod"), kind: "production", warehouseHost: "127.0.0.1", warehouseDb: "wh", warehouseUser: "g", pool: "production" } });
    await t.db.environment.create({ data: { name: uniq("dev"), kind: "development", warehouseHost: "127.0.0.1", warehouseDb: "wh", warehouseUser: "g" } });
    await t.db.workerHeartbeat.createMany({
      data: [
        { workerId: "a:1", hostname: "a", pid: 1, pool: "default" },
        { workerId: "b:2", hostname: "b", pid: 2, pool: "production", draining: true },
        { workerId: "c:3", hostname: "c", pid: 3, pool: "production", beatAt: new Date(Date.now() - 120_000) },
      ],
    });
    const pools = await listPoolStatus(t.db, 60_000);
    expect(pools.find((p) => p.pool === "default")).toMatchObject({ liveWorkers: 1, drainingWorkers: 0 });
    expect(pools.find((p) => p.pool === "production")).toMatchObject({ environments: [prod.name], liveWorkers: 0, drainingWorkers: 1 });

    const user = await t.db.user.create({ data: { email: `${uniq("u")}@x.local`, name: "u", role: "admin", passwordHash: "x" } });
    const kitchen = await t.db.kitchen.create({ data: { name: uniq("k"), branch: uniq("b"), schemaName: uniq("s"), environmentId: prod.id, createdById: user.id } });
    const run = await t.db.run.create({ data: { id: randomUUID(), kitchenId: kitchen.id, pipeline: "p", commit: "c", status: "queued", trigger: "manual", pool: "production" } });
    await t.db.nodeRun.create({ data: { runId: run.id, nodeId: "a", type: "sql", status: "queued", remainingDeps: 0, attempt: 1 } });
    expect(await waitingForPool(t.db, run.id, 60_000)).toEqual({ pool: "production", reason: "no_worker" });
    // A worker that exited cleanly keeps its row but is no worker.
    await t.db.workerHeartbeat.create({ data: { workerId: "e:5", hostname: "e", pid: 5, pool: "production", stoppedAt: new Date() } });
    expect(await waitingForPool(t.db, run.id, 60_000)).toEqual({ pool: "production", reason: "no_worker" });
    await t.db.workerHeartbeat.create({ data: { workerId: "d:4", hostname: "d", pid: 4, pool: "production" } });
    expect(await waitingForPool(t.db, run.id, 60_000)).toBeNull();
    // The pool at its capacity limit: the run waits for a slot, and the page says so.
    await t.db.workerPool.create({ data: { pool: "production", maxRunning: 1 } });
    expect(await waitingForPool(t.db, run.id, 60_000)).toBeNull();
    await t.db.nodeRun.create({ data: { runId: run.id, nodeId: "b", type: "sql", status: "running", remainingDeps: 0, attempt: 1 } });
    expect(await waitingForPool(t.db, run.id, 60_000)).toEqual({ pool: "production", reason: "capacity", limit: 1, running: 1 });
  });
});
