import { randomBytes, randomUUID } from "node:crypto";
import { simpleParser } from "mailparser";
import { withTransaction, type Db } from "@galley/db";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { emitAlertEventInTx, emitTestAlertsInTx } from "@galley/runs";
import { createKeyring, resolveSecrets, type Keyring } from "@galley/vault";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deliverAlert } from "./deliver";
import { fanOutAlertEvent } from "./fan-out";
import { createAlertRoute, deleteAlertRoute, listAlertRoutes, testAlertRoute, updateAlertRoute } from "./routes";
import { egressPolicy } from "./egress";
import { buildMessage } from "./message";
import { createSender } from "./senders";
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from "./testing/receivers";
import { resolveSecret } from "@galley/vault";

const BASE = "http://galley.test";
let t: TestDatabase;
let db: Db;
let keyring: Keyring;
let http: HttpReceiver;
let smtp: SmtpReceiver;
const users: Record<string, { id: string; email: string; name: string; role: "admin" | "developer" | "dataops" | "production" | "viewer" }> = {};
let devId: string;
let prodId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  db = t.db;
  keyring = createKeyring(randomBytes(32));
  http = await startHttpReceiver();
  smtp = await startSmtpReceiver();
  for (const [name, role] of [["padma", "developer"], ["chris", "dataops"], ["eric", "production"], ["maya", "viewer"]] as const) {
    const u = await db.user.create({ data: { email: `${name}@t.test`, name, role, passwordHash: "x" } });
    users[name] = { id: u.id, email: u.email, name, role };
  }
  const dev = await db.environment.create({ data: { name: "development", kind: "development", warehouseHost: "h", warehouseDb: "d", warehouseUser: "u" } });
  const prod = await db.environment.create({ data: { name: "production", kind: "production", warehouseHost: "h", warehouseDb: "p", warehouseUser: "u" } });
  const kp = await db.kitchen.create({ data: { name: "production", branch: "production", environmentId: prod.id, schemaName: "production", staff: { create: [{ userId: users.eric.id, isOwner: true }] } } });
  const kd = await db.kitchen.create({ data: { name: "dev", branch: "dev", parentId: kp.id, environmentId: dev.id, schemaName: "dev", staff: { create: [{ userId: users.chris.id, isOwner: true }, { userId: users.padma.id }] } } });
  devId = kd.id;
  prodId = kp.id;
});

afterAll(async () => {
  await http?.close();
  await smtp?.close();
  await t?.drop();
});

beforeEach(() => {
  http.received.length = 0;
});

// The local receivers listen on loopback, which alerts may reach only when an operator allows it.
const LOCAL = egressPolicy("127.0.0.1");
const deps = () => ({ db, keyring, smtpConfigured: true, egress: LOCAL });
const sender = (timeoutMs = 2000, egress = LOCAL) => createSender({ timeoutMs, smtpUrl: smtp.url, emailFrom: "galley@t.test", egress });
const readSecret = (environmentId: string, name: string, purpose: string) => resolveSecret({ db, keyring }, { environmentId, name, purpose });

async function failedRun(kitchenId: string, pipeline = "orders_daily") {
  const run = await db.run.create({
    data: { kitchenId, pipeline, commit: "c0ffee", status: "failed", trigger: "manual", startedAt: new Date(), finishedAt: new Date(),
      nodes: { create: [{ nodeId: "load", type: "sql", status: "failed", remainingDeps: 0, error: "division by zero", finishedAt: new Date() }, { nodeId: "report", type: "sql", status: "skipped", remainingDeps: 1 }] } },
    include: { nodes: true },
  });
  return run;
}

async function deliverAll(ids: string[], maxAttempts = 3) {
  const out = [];
  for (const id of ids) {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        out.push(await deliverAlert({ db, send: sender(), readSecret }, { deliveryId: id, attempt, maxAttempts }));
        break;
      } catch (e) {
        if (attempt === maxAttempts) throw e;
      }
    }
  }
  return out;
}

describe("alert routes", () => {
  it("keeps a webhook URL in the environment's vault: never returned, never handed to nodes", async () => {
    const url = `${http.url}/hooks/T000/B000/very-secret-token`;
    const r = await createAlertRoute(deps(), "dev", { kind: "webhook", name: "team-hook", url, events: ["run.failed"] }, users.chris);
    expect(JSON.stringify(r)).not.toContain("very-secret-token");
    expect(r.target).toBe(`${new URL(http.url).protocol}//${new URL(http.url).host}/…`);
    const listed = await listAlertRoutes({ db }, "dev", users.padma);
    expect(JSON.stringify(listed)).not.toContain("very-secret-token");
    const row = await db.alertRoute.findUniqueOrThrow({ where: { id: r.id } });
    expect(JSON.stringify(row)).not.toContain("very-secret-token");
    const secret = await db.vaultSecret.findFirstOrThrow({ where: { name: row.secretName! } });
    expect(secret.ciphertext).not.toContain("very-secret-token");
    expect(await readSecret(secret.environmentId, row.secretName!, "test")).toBe(url);
    const forNodes = await resolveSecrets({ db, keyring }, { environmentId: secret.environmentId, runId: randomUUID() });
    expect(Object.keys(forNodes)).not.toContain(row.secretName);
    await deleteAlertRoute(deps(), "dev", r.id, users.chris);
    expect(await db.vaultSecret.count({ where: { name: row.secretName! } })).toBe(0);
  });

  it("refuses bad input and people who may not change the Kitchen, changing nothing", async () => {
    const before = await db.alertRoute.count();
    await expect(createAlertRoute(deps(), "dev", { kind: "webhook", name: "x", url: "http://h/x", events: ["run.failed"] }, users.maya)).rejects.toMatchObject({ code: "forbidden" });
    await expect(createAlertRoute(deps(), "production", { kind: "webhook", name: "x", url: "http://h/x", events: ["run.failed"] }, users.chris)).rejects.toMatchObject({ code: "forbidden" });
    await expect(createAlertRoute({ ...deps(), smtpConfigured: false }, "dev", { kind: "email", name: "mail", to: ["a@b.test"], events: ["run.failed"] }, users.chris)).rejects.toThrow(/SMTP_URL/);
    await createAlertRoute(deps(), "dev", { kind: "webhook", name: "dup", url: `${http.url}/dup`, events: ["run.failed"] }, users.chris);
    await expect(createAlertRoute(deps(), "dev", { kind: "webhook", name: "dup", url: `${http.url}/dup2`, events: ["run.failed"] }, users.chris)).rejects.toMatchObject({ code: "conflict" });
    expect(await db.alertRoute.count()).toBe(before + 1);
    const dup = await db.alertRoute.findFirstOrThrow({ where: { name: "dup" } });
    await deleteAlertRoute(deps(), "dev", dup.id, users.chris);
  });

  it("a test message shows a 500 or a timeout where the route is made, and marks the route failing", async () => {
    const r = await createAlertRoute(deps(), "dev", { kind: "slack", name: "flaky", url: `${http.url}/flaky`, events: ["run.failed"] }, users.chris);
    const d = { ...deps(), send: sender(3_000), readSecret, baseUrl: BASE };
    http.failNext([500]);
    const bad = await testAlertRoute(d, "dev", r.id, users.chris);
    expect(bad).toMatchObject({ ok: false, statusCode: 500 });
    expect(bad.error).toMatch(/answered HTTP 500/);
    expect(bad.error).not.toContain("/flaky");
    expect((await db.alertRoute.findUniqueOrThrow({ where: { id: r.id } })).health).toBe("failing");
    http.hangMs = 4_500;
    const slow = await testAlertRoute(d, "dev", r.id, users.chris);
    http.hangMs = 0;
    expect(slow.error).toMatch(/did not answer within 3 s/);
    const ok = await testAlertRoute(d, "dev", r.id, users.chris);
    expect(ok.ok).toBe(true);
    expect((await db.alertRoute.findUniqueOrThrow({ where: { id: r.id } })).health).toBe("ok");
    await deleteAlertRoute(deps(), "dev", r.id, users.chris);
  });
});

describe("alert events to the local receivers", () => {
  it("run.failed reaches a webhook, a Slack-compatible webhook and email with Kitchen, pipeline, node, error and the run link; a 500 is retried and each attempt recorded", async () => {
    const hook = await createAlertRoute(deps(), "dev", { kind: "webhook", name: "hook", url: `${http.url}/hook`, events: ["run.failed"] }, users.chris);
    const slack = await createAlertRoute(deps(), "dev", { kind: "slack", name: "slack", url: `${http.url}/slack`, events: ["run.failed", "run.succeeded"] }, users.chris);
    const mail = await createAlertRoute(deps(), "dev", { kind: "email", name: "mail", to: ["oncall@t.test"], events: ["run.failed"] }, users.chris);
    const quiet = await createAlertRoute(deps(), "dev", { kind: "webhook", name: "quiet", url: `${http.url}/quiet`, events: ["run.started"] }, users.chris);
    const run = await failedRun(devId);
    const emitted = await withTransaction(db, (tx) => emitAlertEventInTx(tx, { kitchenId: devId, event: "run.failed", runId: run.id }));
    expect(emitted).toBe(true);
    const outbox = await db.outbox.findFirstOrThrow({ where: { jobName: "alert.event" }, orderBy: { id: "desc" } });
    expect(outbox.payload).toEqual({ event: "run.failed", runId: run.id });

    const { deliveries } = await fanOutAlertEvent({ db, baseUrl: BASE }, { event: "run.failed", runId: run.id });
    expect(deliveries).toHaveLength(3); // not the run.started-only route
    // The same event again (a re-delivered job) makes no second delivery.
    expect((await fanOutAlertEvent({ db, baseUrl: BASE }, { event: "run.failed", runId: run.id })).deliveries).toHaveLength(0);

    http.failNext([500]);
    await deliverAll(deliveries);
    const byPath = Object.fromEntries(http.received.map((r) => [r.path, r.body as Record<string, unknown>]));
    expect(byPath["/hook"]).toMatchObject({ source: "galley", event: "run.failed", kitchen: "dev", pipeline: "orders_daily", runId: run.id, node: "load", url: `${BASE}/runs/${run.id}` });
    expect(String(byPath["/hook"].text)).toContain("node load failed: division by zero");
    expect(String(byPath["/slack"].text)).toContain("Run failed: orders_daily in Kitchen dev");
    expect(String(byPath["/slack"].text)).toContain(`<${BASE}/runs/${run.id}|Open in Galley>`);
    expect(smtp.mails.at(-1)).toMatchObject({ to: ["oncall@t.test"] });
    const mailed = await simpleParser(smtp.mails.at(-1)!.raw);
    expect(mailed.subject).toMatch(/^\[Galley\] .*Run failed: orders_daily in Kitchen dev$/);
    expect(mailed.text).toContain("node load failed: division by zero");
    expect(mailed.text).toContain(`${BASE}/runs/${run.id}`);

    const rows = await db.alertDelivery.findMany({ where: { runId: run.id }, include: { tries: { orderBy: { attempt: "asc" } }, route: true } });
    expect(rows.every((r) => r.status === "delivered")).toBe(true);
    const tries = rows.map((r) => r.tries.map((a) => [a.attempt, a.ok, a.statusCode]));
    expect(tries).toContainEqual([[1, false, 500], [2, true, 200]]);
    expect(rows.find((r) => r.tries.length === 2)!.tries[0].error).toMatch(/HTTP 500/);
    for (const r of [hook, slack, mail, quiet]) await deleteAlertRoute(deps(), "dev", r.id, users.chris);
  });

  it("a route aimed inside the deployment is refused where it is saved and never delivered by name either", async () => {
    const strict = { db, keyring, smtpConfigured: true };
    const MSG = buildMessage({ event: "run.succeeded", kitchen: "dev", environment: "development", url: BASE });
    for (const url of ["http://127.0.0.1:6379/x", "http://169.254.169.254/latest/meta-data", "http://localhost:3000/api/me", "http://[::1]/"]) {
      await expect(createAlertRoute(strict, "dev", { kind: "webhook", name: "inside", url, events: ["run.failed"] }, users.chris)).rejects.toMatchObject({ code: "invalid_input", field: "url", message: expect.stringMatching(/GALLEY_ALERT_ALLOW_HOSTS/) });
    }
    const ok = await createAlertRoute(strict, "dev", { kind: "webhook", name: "named", url: "https://hooks.example.test/x", events: ["run.failed"] }, users.chris);
    await expect(updateAlertRoute(strict, "dev", ok.id, { url: "http://10.0.0.5/x" }, users.chris)).rejects.toMatchObject({ field: "url" });
    // A name that resolves to loopback (DNS can say anything) is checked at delivery, on its address.
    const port = new URL(http.url).port;
    const named = await sender(2000, egressPolicy(undefined))({ kind: "webhook", url: `http://localhost:${port}/by-name` }, MSG);
    expect(named).toMatchObject({ ok: false, error: expect.stringMatching(/^not delivered: localhost \((127\.0\.0\.1|::1)\) is a loopback address/) });
    const literal = await sender(2000, egressPolicy(undefined))({ kind: "webhook", url: `${http.url}/literal` }, MSG);
    expect(literal.error).toMatch(/^not delivered: 127\.0\.0\.1 is a loopback address/);
    // (Only these paths: a slow request of an earlier test may still land on the shared receiver.)
    const mine = () => http.received.filter((r) => r.path === "/by-name" || r.path === "/literal").map((r) => r.path);
    expect(mine()).toEqual([]);
    // Allowed by host:port: delivered.
    const allowed = await sender(2000, egressPolicy(`localhost:${port}`))({ kind: "webhook", url: `http://localhost:${port}/by-name` }, MSG);
    expect(allowed).toMatchObject({ ok: true, statusCode: 200 });
    expect(mine()).toEqual(["/by-name"]);
    await deleteAlertRoute(deps(), "dev", ok.id, users.chris);
  });

  it("a route that never answers ends failed after its last attempt, shows failing, and the run is untouched", async () => {
    const r = await createAlertRoute(deps(), "dev", { kind: "webhook", name: "down", url: "http://127.0.0.1:9/nothing-listens", events: ["run.failed"] }, users.chris);
    const run = await failedRun(devId, "other");
    const { deliveries } = await fanOutAlertEvent({ db, baseUrl: BASE }, { event: "run.failed", runId: run.id });
    await expect(deliverAlert({ db, send: sender(), readSecret }, { deliveryId: deliveries[0], attempt: 1, maxAttempts: 2 })).rejects.toThrow(/could not reach the webhook at 127.0.0.1:9/);
    expect(await deliverAlert({ db, send: sender(), readSecret }, { deliveryId: deliveries[0], attempt: 2, maxAttempts: 2 })).toMatchObject({ status: "failed" });
    const d = await db.alertDelivery.findUniqueOrThrow({ where: { id: deliveries[0] }, include: { tries: true } });
    expect(d).toMatchObject({ status: "failed", attempts: 2 });
    expect(d.tries).toHaveLength(2);
    const route = (await listAlertRoutes({ db }, "dev", users.padma)).routes.find((x) => x.name === "down")!;
    expect(route.health).toBe("failing");
    expect(route.lastError).toMatch(/could not reach/);
    expect((await db.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("failed");
    await deleteAlertRoute(deps(), "dev", r.id, users.chris);
  });

  it("test.warned and test.failed name the test, its value and limits; emitted only when a route listens", async () => {
    const run = await db.run.create({
      data: { kitchenId: devId, pipeline: "orders_daily", commit: "c", status: "running", trigger: "schedule", nodes: { create: [{ nodeId: "transform", type: "sql", status: "succeeded", remainingDeps: 0 }] } },
      include: { nodes: true },
    });
    const nodeRunId = run.nodes[0].id;
    const base = { runId: run.id, nodeRunId, kitchenId: devId, pipeline: "orders_daily", node: "transform", kind: "row_count" };
    await db.testResult.createMany({
      data: [
        { ...base, testName: "orders_volume", value: 12, lowerLimit: 80, upperLimit: 120, verdict: "warned", level: "warn", message: "below the lower control limit" },
        { ...base, testName: "ids_unique", kind: "unique", value: 3, lowerLimit: null, upperLimit: 0, verdict: "failed", level: "fail", message: "3 duplicate ids" },
        { ...base, testName: "logged", value: 1, verdict: "failed", level: "log", message: "" },
      ],
    });
    // No route listens yet: nothing is written.
    expect(await withTransaction(db, (tx) => emitTestAlertsInTx(tx, { runId: run.id, nodeId: "transform", nodeRunId }))).toBe(0);
    const r = await createAlertRoute(deps(), "dev", { kind: "webhook", name: "tests", url: `${http.url}/tests`, events: ["test.warned", "test.failed"] }, users.chris);
    expect(await withTransaction(db, (tx) => emitTestAlertsInTx(tx, { runId: run.id, nodeId: "transform", nodeRunId }))).toBe(2);
    const ids = [
      ...(await fanOutAlertEvent({ db, baseUrl: BASE }, { event: "test.warned", runId: run.id, nodeId: "transform" })).deliveries,
      ...(await fanOutAlertEvent({ db, baseUrl: BASE }, { event: "test.failed", runId: run.id, nodeId: "transform" })).deliveries,
    ];
    await deliverAll(ids);
    const bodies = http.received.map((x) => x.body as { event: string; title: string; text: string; tests: { name: string }[] });
    const warned = bodies.find((b) => b.event === "test.warned")!;
    expect(warned.title).toContain("Test warned: transform.orders_volume");
    expect(warned.text).toContain("value 12, limits 80 … 120");
    const failed = bodies.find((b) => b.event === "test.failed")!;
    expect(failed.text).toContain("transform.ids_unique failed (level fail): value 3, limits ≤ 0 — 3 duplicate ids");
    expect(failed.tests.map((x) => x.name)).toEqual(["ids_unique"]); // the log-level test is not alerted
    await deleteAlertRoute(deps(), "dev", r.id, users.chris);
  });

  it("a success after a failure is heard as recovered by routes that want it, as succeeded by the others", async () => {
    const rec = await createAlertRoute(deps(), "dev", { kind: "webhook", name: "rec", url: `${http.url}/rec`, events: ["run.recovered", "run.succeeded"] }, users.chris);
    const ok = await createAlertRoute(deps(), "dev", { kind: "webhook", name: "ok", url: `${http.url}/ok`, events: ["run.succeeded"] }, users.chris);
    await failedRun(devId, "recovering");
    const good = await db.run.create({ data: { kitchenId: devId, pipeline: "recovering", commit: "c", status: "succeeded", trigger: "manual", createdAt: new Date(Date.now() + 1000) } });
    await deliverAll((await fanOutAlertEvent({ db, baseUrl: BASE }, { event: "run.succeeded", runId: good.id })).deliveries);
    const byPath = Object.fromEntries(http.received.map((r) => [r.path, r.body as { event: string }]));
    expect(byPath["/rec"].event).toBe("run.recovered");
    expect(byPath["/ok"].event).toBe("run.succeeded");
    await updateAlertRoute(deps(), "dev", ok.id, { enabled: false }, users.chris);
    for (const r of [rec, ok]) await deleteAlertRoute(deps(), "dev", r.id, users.chris);
  });
});
