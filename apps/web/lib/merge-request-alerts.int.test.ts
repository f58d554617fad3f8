// Merge request alerts end to end below the queue: the web's composition root writes the
// alert.event job in the request's own transaction; the worker's handlers (fan-out, delivery)
// turn it into one message per listening route, received by a local webhook receiver.
import { createAlertRoute, createSender, deliverAlert, egressPolicy, emitMergeRequestAlertInTx, fanOutAlertEvent } from "@galley/alerts";
import { startHttpReceiver, type HttpReceiver } from "@galley/alerts/testing";
import { uniq } from "@galley/db/testing";
import { createKitchen, saveKitchenFile } from "@galley/kitchens";
import { createKitchenFixture, type KitchenFixture } from "@galley/kitchens/testing";
import { mergeMergeRequest, openMergeRequest, reviewMergeRequest, type MergeRequestsDeps } from "@galley/merge-requests";
import { createKeyring, parseKek, resolveSecret, type Keyring } from "@galley/vault";
import { afterAll, beforeAll, expect, it } from "vitest";

let f: KitchenFixture;
let keyring: Keyring;
let receiver: HttpReceiver;
let deps: MergeRequestsDeps;
const BASE = "http://galley.test";

beforeAll(async () => {
  f = await createKitchenFixture();
  keyring = createKeyring(parseKek(f.kek, "test"));
  receiver = await startHttpReceiver();
  // The same wiring as lib/merge-requests-deps.ts, on the fixture's ports.
  deps = { ...f.deps, notify: async (tx, e) => void (await emitMergeRequestAlertInTx(tx, { event: e.kind, requestId: e.requestId, reviewId: e.reviewId, kitchenIds: [e.targetKitchenId, e.sourceKitchenId] })) };
});
afterAll(async () => {
  await receiver?.close();
  await f?.cleanup();
});

/** What the worker does with the outbox's alert.event jobs: fan out, then deliver each. */
async function drainAlerts(since: Date) {
  const jobs = await f.db.$queryRaw<{ payload: { event: string; requestId?: string; reviewId?: string } }[]>`
    SELECT payload FROM outbox WHERE job_name = 'alert.event' AND created_at >= ${since} ORDER BY id`;
  const send = createSender({ timeoutMs: 2000, emailFrom: "galley@t.test", egress: egressPolicy("127.0.0.1") });
  const readSecret = (environmentId: string, name: string, purpose: string) => resolveSecret({ db: f.db, keyring }, { environmentId, name, purpose });
  for (const j of jobs) {
    const { deliveries } = await fanOutAlertEvent({ db: f.db, baseUrl: BASE }, j.payload as Parameters<typeof fanOutAlertEvent>[1]);
    for (const id of deliveries) await deliverAlert({ db: f.db, send, readSecret }, { deliveryId: id, attempt: 1, maxAttempts: 1 });
  }
  return jobs.map((j) => j.payload.event);
}

it("opened, approved and merged reach the routes of the target and of the source Kitchen that listen", async () => {
  const k = uniq("mra");
  await createKitchen(f.deps, { name: k, parent: "dev" }, f.users.padma);
  await saveKitchenFile(f.deps, { kitchen: k, path: "README.md", content: "# margin\n", message: "readme" }, f.users.padma);
  const routes = { db: f.db, keyring, smtpConfigured: false, egress: egressPolicy("127.0.0.1") };
  await createAlertRoute(routes, "dev", { kind: "webhook", name: "dev-requests", url: `${receiver.url}/dev`, events: ["merge_request.opened", "merge_request.approved", "merge_request.merged"] }, f.users.chris);
  await createAlertRoute(routes, k, { kind: "slack", name: "mine", url: `${receiver.url}/${k}`, events: ["merge_request.approved", "merge_request.merged"] }, f.users.padma);
  const since = new Date(Date.now() - 1000);

  const req = await openMergeRequest(deps, { kitchen: k, title: "Margin per order" }, f.users.padma);
  await reviewMergeRequest(deps, { id: req.id, verdict: "approved", body: "fine" }, f.users.chris);
  const merged = await mergeMergeRequest(deps, { id: req.id }, f.users.chris);
  expect(merged.status).toBe("committed");

  expect(await drainAlerts(since)).toEqual(["merge_request.opened", "merge_request.approved", "merge_request.merged"]);
  const dev = receiver.received.filter((r) => r.path === "/dev").map((r) => r.body as { event: string; title: string; text: string; url: string });
  expect(dev.map((m) => m.event)).toEqual(["merge_request.opened", "merge_request.approved", "merge_request.merged"]);
  expect(dev[0].title).toContain(`Merge request #${req.number} opened: ${k} → dev`);
  expect(dev[0].text).toContain('"Margin per order", opened by Padma');
  expect(dev[1].text).toContain("approved by Chris");
  expect(dev[2].url).toBe(`${BASE}/merge-requests/${req.id}`);
  // Padma's own channel (Slack-compatible) hears what she subscribed to: approved and merged.
  const mine = receiver.received.filter((r) => r.path === `/${k}`).map((r) => (r.body as { text: string }).text);
  expect(mine).toHaveLength(2);
  expect(mine[0]).toContain(`approved: ${k} → dev`);
  expect(mine[1]).toContain(`merged: ${k} → dev`);

  // Re-handling the same job (a redelivered queue message) sends nothing twice.
  const before = receiver.received.length;
  await drainAlerts(since);
  expect(receiver.received.length).toBe(before);
});

it("a Kitchen without listening routes gets no job at all", async () => {
  const k = uniq("mra");
  await createKitchen(f.deps, { name: k, parent: "dev" }, f.users.padma);
  await saveKitchenFile(f.deps, { kitchen: k, path: "README.md", content: "# quiet\n", message: "readme" }, f.users.padma);
  await f.db.alertRoute.updateMany({ where: { kitchen: { name: "dev" } }, data: { enabled: false } });
  const since = new Date();
  await openMergeRequest(deps, { kitchen: k, title: "Quiet" }, f.users.padma);
  const jobs = await f.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox WHERE job_name = 'alert.event' AND created_at >= ${since}`;
  expect(jobs[0].n).toBe(0);
});
