// 200 open live run pages (SSE connections to GET /api/runs/:id/events) on one web process
// (`next start`): database transactions per second while the run is idle, and how long a node's
// status change takes to reach every page. `pnpm bench live-runs [pages=200] [changes=20]`
import http from "node:http";
import setupTemplate from "../packages/db/src/testing/global-setup";
import { createAccessToken } from "@galley/auth";
import { createTestDatabase } from "@galley/db/testing";
import { createRun } from "@galley/runs";
import { pct } from "./_pipelines";
import { ensureWebBuild, startWeb, xacts, type WebProcess } from "./_web";

const PAGES = Number(process.argv[2] ?? 200);
const CHANGES = Number(process.argv[3] ?? 20);

interface Page {
  events: { event: string; data: any; at: number }[];
  waiters: ((e: { event: string; data: any; at: number }) => boolean)[];
  req: http.ClientRequest;
}

function openPage(url: string, token: string): Promise<Page> {
  return new Promise((resolve, reject) => {
    const page: Page = { events: [], waiters: [], req: null as unknown as http.ClientRequest };
    page.req = http.get(url, { headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" }, agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events answered ${res.statusCode}`));
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buf += chunk;
        let at: number;
        while ((at = buf.indexOf("\n\n")) >= 0) {
          const frame = buf.slice(0, at);
          buf = buf.slice(at + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (!event || !data) continue;
          const e = { event, data: JSON.parse(data), at: performance.now() };
          page.events.push(e);
          page.waiters = page.waiters.filter((w) => !w(e));
          if (event === "snapshot") resolve(page);
        }
      });
    });
    page.req.on("error", reject);
  });
}

function waitFor(page: Page, match: (e: { event: string; data: any }) => boolean, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no event within 10 s")), timeoutMs);
    page.waiters.push((e) => {
      if (!match(e)) return false;
      clearTimeout(timer);
      resolve(e.at);
      return true;
    });
  });
}

await setupTemplate();
ensureWebBuild();
const t = await createTestDatabase();
let web: WebProcess | undefined;
try {
  const db = t.db;
  const user = await db.user.create({ data: { email: "live@bench.local", name: "Live", role: "developer", passwordHash: "unused" } });
  const env = await db.environment.create({ data: { name: "development", kind: "development", warehouseHost: "127.0.0.1", warehouseDb: "x", warehouseUser: "x" } });
  const kitchen = await db.kitchen.create({ data: { name: "dev", branch: "dev", schemaName: "dev", environmentId: env.id, staff: { create: { userId: user.id, isOwner: true } } } });
  const deps = { extract: [], load: ["extract"], report: ["load"] };
  const { runId } = await createRun({ db }, {
    kitchenId: kitchen.id, pipeline: "demo", commit: "c0ffee", trigger: "manual", triggeredById: user.id, parameters: {},
    compiled: { deps }, executor: "local",
    nodes: Object.entries(deps).map(([id, ups]) => ({ id, type: "sql", deps: ups, remainingDeps: ups.length, reused: false, maxAttempts: 1 })),
  });
  const { token } = await createAccessToken({ db }, user.id, "bench");
  web = await startWeb(t.url);

  const pages: Page[] = [];
  for (let i = 0; i < PAGES; i++) pages.push(await openPage(`${web.url}/api/runs/${runId}/events`, token));
  console.error(`${pages.length} live pages open`);

  // Idle: PostgreSQL 15 backends report their counts when busy again or after 10 s idle, so let
  // the subscriptions be reported first, then count a long window that includes the reporting delay.
  await new Promise((r) => setTimeout(r, 11_000));
  const x0 = await xacts(db);
  const w0 = Date.now();
  await new Promise((r) => setTimeout(r, 21_000));
  const x1 = await xacts(db);
  const idleQps = (x1 - x0 - 1) / ((Date.now() - w0) / 1000);

  // A node's status changes: time from the commit until each page has the event.
  const node = await db.nodeRun.findFirstOrThrow({ where: { runId, nodeId: "extract" } });
  const samples: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const mark = `change ${i}`;
    const arrivals = Promise.all(pages.map((p) => waitFor(p, (e) => e.event === "node" && e.data.error === mark)));
    await db.nodeRun.update({ where: { id: node.id }, data: { status: i % 2 ? "queued" : "running", error: mark } });
    const committed = performance.now();
    for (const at of await arrivals) samples.push(at - committed);
    await new Promise((r) => setTimeout(r, 300));
  }
  console.log(`bench live-runs pages=${PAGES} idle_qps=${idleQps.toFixed(2)} fanout_p50_ms=${pct(samples, 50)} fanout_p99_ms=${pct(samples, 99)} samples=${samples.length}`);
  for (const p of pages) p.req.destroy();
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await web?.stop();
  await t.drop();
  process.exit(process.exitCode ?? 0);
}
