// The worker process end to end: a failing node's alert reaches a local receiver; schedules fire
// at their tick, survive a worker restart, and skip a tick while the previous run still goes.
import path from "node:path";
import { createAlertRoute, egressPolicy } from "@galley/alerts";
import { startHttpReceiver, type HttpReceiver } from "@galley/alerts/testing";
import { saveSchedule, setScheduleEnabled } from "@galley/schedules";
import { loadKeyring } from "@galley/vault";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commit, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun, type WorkerEnv } from "./testing";

let g: WorkerEnv;
let worker: ReturnType<typeof startWorker>;
let receiver: HttpReceiver;
const BASE = "http://galley.test";

async function user(email: string) {
  const u = await g.db.user.findUniqueOrThrow({ where: { email } });
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${worker?.output.join("").slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  g = await setUpGalley("local");
  receiver = await startHttpReceiver();
  g.env = { ...g.env, GALLEY_BASE_URL: BASE, ALERT_TIMEOUT_MS: "2000", GALLEY_ALERT_ALLOW_HOSTS: "127.0.0.1" };
  await commit(g, "dev", {
    "pipelines/breaks/pipeline.yaml": "name: breaks\nnodes:\n  - id: divide\n    type: sql\n    sql: select 1/0\n",
    "pipelines/quick/pipeline.yaml": "name: quick\nnodes:\n  - id: one\n    type: sql\n    sql: select 1\n",
    "pipelines/slow/pipeline.yaml": "name: slow\nnodes:\n  - id: nap\n    type: sql\n    sql: select pg_sleep(4)\n",
  });
  worker = startWorker(g);
}, 180_000);

afterAll(async () => {
  if (worker) await stopWorker(worker);
  await receiver?.close();
  if (g) await tearDownGalley(g);
});

describe("alerts through the worker", () => {
  it("a failing node reaches the local receiver with Kitchen, pipeline, node, error and the run link; a 500 is retried", async () => {
    const keyring = loadKeyring({ kekFile: path.join(g.dataDir, "kek"), create: false });
    const chris = await user("chris@galley.local");
    await createAlertRoute({ db: g.db, keyring, smtpConfigured: false, egress: egressPolicy("127.0.0.1") }, "dev", { kind: "webhook", name: "oncall", url: `${receiver.url}/oncall`, events: ["run.failed"] }, chris);
    receiver.failNext([500]);
    const { runId } = await run(g, "dev", "breaks");
    expect((await waitForRun(g.db, runId)).status).toBe("failed");
    const got = await until("the alert", async () => receiver.received.find((r) => (r.body as { runId?: string }).runId === runId), 30_000);
    expect(got.body).toMatchObject({ event: "run.failed", kitchen: "dev", pipeline: "breaks", node: "divide", url: `${BASE}/runs/${runId}` });
    expect((got.body as { text: string }).text).toMatch(/node divide failed: .*division by zero/);
    // The delivery is recorded just after the receiver answers.
    const d = await until("the delivery recorded", async () => {
      const row = await g.db.alertDelivery.findFirst({ where: { runId }, include: { tries: { orderBy: { attempt: "asc" } } } });
      return row?.status === "delivered" ? row : null;
    });
    expect(d.tries.map((t) => [t.ok, t.statusCode])).toEqual([[false, 500], [true, 200]]);
  });
});

describe("schedules through the worker", () => {
  it("fires at its tick, its first node running within seconds; keeps firing across a worker restart", async () => {
    const chris = await user("chris@galley.local");
    await saveSchedule({ db: g.db, git: g.repo }, "dev", { name: "every_2s", pipeline: "quick", cron: "*/2 * * * * *", timezone: "UTC", parameters: {}, enable: true }, chris);
    const s = await g.db.schedule.findFirstOrThrow({ where: { name: "every_2s" } });
    expect(s.enabled).toBe(true);
    const started = () => g.db.scheduleTick.findMany({ where: { scheduleId: s.id, status: "started" }, orderBy: { tickAt: "asc" } });
    const first = await until("two started ticks", async () => ((await started()).length >= 2 ? await started() : null), 90_000);
    for (const t of first) {
      const r = await g.db.run.findUniqueOrThrow({ where: { id: t.runId! }, include: { nodes: true } });
      expect(r.trigger).toBe("schedule");
      const lag = await until("node started", async () => (await g.db.nodeRun.findFirst({ where: { runId: r.id, startedAt: { not: null } } }))?.startedAt);
      // A correctness bound on a loaded shared machine; the 1 s target is what bench schedule-latency measures.
      expect(lag.getTime() - t.tickAt.getTime()).toBeLessThan(30_000);
    }
    // Restart: the first tick that came due while the worker was down still fires, late (the
    // scheduler stops before the worker's process is gone, so "down" starts when stopping starts).
    const downAt = new Date();
    await stopWorker(worker);
    await new Promise((r) => setTimeout(r, 3_000));
    const upAt = new Date();
    worker = startWorker(g);
    // Handled late: started, or skipped when the previous run still goes on a slow machine; never lost or missed.
    const handled = () => g.db.scheduleTick.findMany({ where: { scheduleId: s.id, status: { in: ["started", "skipped"] }, tickAt: { gte: downAt, lt: upAt }, handledAt: { gte: upAt } } });
    await until("a tick from the downtime handled", async () => ((await handled()).length ? true : null), 90_000);
    expect(await g.db.scheduleTick.count({ where: { scheduleId: s.id, status: "missed" } })).toBe(0);
    await until("ticks after the restart", async () => (await started()).filter((t) => t.tickAt.getTime() >= upAt.getTime()).length >= 1, 90_000);
    await setScheduleEnabled({ db: g.db }, "dev", "every_2s", false, chris);
  }, 240_000);

  it("skips a tick while the previous run still goes, and records why", async () => {
    const chris = await user("chris@galley.local");
    await saveSchedule({ db: g.db, git: g.repo }, "dev", { name: "slow_every_1s", pipeline: "slow", cron: "* * * * * *", timezone: "UTC", parameters: {}, enable: true }, chris);
    const s = await g.db.schedule.findFirstOrThrow({ where: { name: "slow_every_1s" } });
    const skipped = await until("a skipped tick", () => g.db.scheduleTick.findFirst({ where: { scheduleId: s.id, status: "skipped" } }));
    expect(skipped.reason).toMatch(/of an earlier tick is still (queued|running) \(overlap policy: skip\)/);
    await setScheduleEnabled({ db: g.db }, "dev", "slow_every_1s", false, chris);
    const runs = await g.db.scheduleTick.findMany({ where: { scheduleId: s.id, status: "started" }, select: { runId: true } });
    // Never two runs of the schedule at once: each started run began after the previous one finished.
    const rs = await g.db.run.findMany({ where: { id: { in: runs.map((r) => r.runId!) } }, orderBy: { createdAt: "asc" } });
    for (let i = 1; i < rs.length; i++) if (rs[i - 1].finishedAt) expect(rs[i].createdAt.getTime()).toBeGreaterThanOrEqual(rs[i - 1].finishedAt!.getTime());
  });

  it("a developer cannot enable a production schedule; a schedule merged into production arrives disabled", async () => {
    const padma = await user("padma@galley.local");
    const eric = await user("eric@galley.local");
    const chris = await user("chris@galley.local");
    await saveSchedule({ db: g.db, git: g.repo }, "dev", { name: "weekly", pipeline: "quick", cron: "0 6 * * 1", timezone: "Europe/Berlin", parameters: {}, enable: true }, chris);
    // Merge dev's file into production as the git layer would.
    const file = (await g.repo.readAllTextFiles("dev", "schedules.yaml")).files[0].content;
    await commit(g, "production", { "schedules.yaml": file, "pipelines/quick/pipeline.yaml": "name: quick\nnodes:\n  - id: one\n    type: sql\n    sql: select 1\n" });
    const prod = await g.db.kitchen.findFirstOrThrow({ where: { name: "production", deletedAt: null } });
    const arrived = await until("the schedule synced into production", () => g.db.schedule.findFirst({ where: { kitchenId: prod.id, name: "weekly" } }), 30_000);
    expect(arrived.enabled).toBe(false);
    await expect(setScheduleEnabled({ db: g.db }, "production", "weekly", true, padma)).rejects.toMatchObject({ code: "forbidden", message: expect.stringMatching(/only production engineers/) });
    expect((await g.db.schedule.findUniqueOrThrow({ where: { id: arrived.id } })).enabled).toBe(false);
    await setScheduleEnabled({ db: g.db }, "production", "weekly", true, eric);
    const on = await g.db.schedule.findUniqueOrThrow({ where: { id: arrived.id } });
    expect(on.enabled).toBe(true);
    expect(on.nextRunAt!.getUTCDay()).toBe(1);
  });

  it("bad input is refused where it is made and changes nothing", async () => {
    const chris = await user("chris@galley.local");
    const head = await g.repo.headOf("dev");
    await expect(saveSchedule({ db: g.db, git: g.repo }, "dev", { name: "bad", pipeline: "quick", cron: "0 25 * * *", timezone: "UTC", parameters: {} }, chris)).rejects.toMatchObject({ code: "invalid_input", field: "cron" });
    await expect(saveSchedule({ db: g.db, git: g.repo }, "dev", { name: "bad", pipeline: "quick", cron: "0 6 * * *", timezone: "Mars/Base", parameters: {} }, chris)).rejects.toMatchObject({ code: "invalid_input", field: "timezone" });
    await expect(saveSchedule({ db: g.db, git: g.repo }, "dev", { name: "bad", pipeline: "nope", cron: "0 6 * * *", timezone: "UTC", parameters: {} }, chris)).rejects.toMatchObject({ code: "invalid_input", field: "pipeline" });
    expect(await g.repo.headOf("dev")).toBe(head);
    expect(await g.db.schedule.count({ where: { name: "bad" } })).toBe(0);
  });
});
