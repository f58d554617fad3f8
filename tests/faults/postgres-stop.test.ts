// Issue 9 faults: PostgreSQL stops for 10 s while runs are in flight and pages are loading. Pages
// and the API answer with an error state (quickly, never a hang), /api/health says the database
// is down; once it is back everything answers again, the runs finish and nothing is lost. The
// server is a private one (initdb + pg_ctl on its own port and socket dir): Galley's database and
// the warehouses live there; the machine's shared PostgreSQL is never stopped.
import { signIn } from "@galley/auth";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commit, logsOf, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun, type WorkerEnv } from "../../apps/worker/src/testing";
import { ensureWebBuild, startWeb, type WebProcess } from "../../bench/_web";
import { DEMO_PASSWORD } from "../../scripts/seed-demo";
import { startPrivatePostgres, waitFor, type PrivatePostgres } from "./helpers/private-services";
import { slowFanOutPipelines } from "./helpers/slow-fan-out";

const PORT = Number(process.env.E2E_PORT ?? 3103);
const OUTAGE_MS = 10_000;
const NODES = ["a", "b", "c"];

let pgServer: PrivatePostgres;
let g: WorkerEnv;
let web: WebProcess | undefined;
const workers: ReturnType<typeof startWorker>[] = [];
let cookie = "";
let firstRunId = "";

beforeAll(async () => {
  ensureWebBuild();
  pgServer = await startPrivatePostgres();
  g = await setUpGalley("docker", { adminUrl: pgServer.url() });
  // The private server listens on loopback only: container nodes run without a network.
  await g.db.environment.updateMany({ where: { name: { in: ["development", "production"] } }, data: { networkMode: "none" } });
  await commit(g, "padma_feature", slowFanOutPipelines("outage", NODES));
  const session = await signIn({ db: g.db }, { email: "padma@galley.local", password: DEMO_PASSWORD, ip: "127.0.0.1" });
  cookie = `galley_session=${session.token}`;
  workers.push(startWorker(g));
  const setup = await run(g, "padma_feature", "outage_setup");
  expect((await waitForRun(g.db, setup.runId, 60_000)).status).toBe("succeeded");
  web = await startWeb(g.t.url, { GALLEY_DATA_DIR: g.dataDir, GALLEY_QUEUE_PREFIX: g.env.GALLEY_QUEUE_PREFIX!, GALLEY_EXECUTOR: "docker" }, PORT);
}, 300_000);

afterAll(async () => {
  await web?.stop();
  for (const w of workers) await stopWorker(w, "SIGKILL");
  // The server may be down if a test failed mid-outage.
  try {
    pgServer?.start();
  } catch {
    // Already running.
  }
  if (g) await tearDownGalley(g).catch(() => {});
  pgServer?.destroy();
});

const PAGES = ["/api/kitchens", "/api/kitchens/padma_feature/runs", "/kitchens/padma_feature"];

async function load(path: string): Promise<{ status: number; ms: number; body: string }> {
  const t0 = Date.now();
  const res = await fetch(web!.url + path, { headers: { cookie }, signal: AbortSignal.timeout(20_000), redirect: "manual" });
  return { status: res.status, body: await res.text(), ms: Date.now() - t0 };
}

describe("PostgreSQL stops for 10 s during runs and page loads", () => {
  it("pages answer while it is up", async () => {
    for (const p of PAGES) expect((await load(p)).status, p).toBe(200);
  });

  it("error states during the outage, recovery after it; the runs finish and nothing is lost", async () => {
    const runs = [await run(g, "padma_feature", "outage"), await run(g, "padma_feature", "outage")];
    firstRunId = runs[0].runId;
    await expect.poll(() => logsOf(g.db, firstRunId), { timeout: 60_000, interval: 100 }).toContain("started");

    pgServer.stop();
    const downAt = Date.now();
    // Pages and the API answer during the outage, with an error state rather than a hang.
    for (const p of [...PAGES, `/api/runs/${firstRunId}`]) {
      const r = await load(p);
      expect(r.ms, p).toBeLessThan(15_000);
      if (p.startsWith("/api/")) {
        expect(r.status, `${p}: ${r.body.slice(0, 300)}`).toBe(503);
        expect(JSON.parse(r.body).error, p).toMatchObject({ code: "unavailable", message: expect.stringMatching(/database/i) });
      } else {
        // A page streams its shell first (200), then its error state in place of the content.
        expect(r.body.slice(0, 8000), p).toMatch(/Galley cannot reach its database/);
      }
    }
    await waitFor("health to report the database down", async () => {
      const h = await (await fetch(`${web!.url}/api/health`)).json();
      return h.checks.database.up === false;
    }, 5_000);
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    pgServer.start();

    // Recovery: every page answers again without restarting anything.
    await waitFor("pages to answer again", async () => {
      for (const p of PAGES) if ((await load(p)).status !== 200) return false;
      return true;
    }, 30_000);
    await waitFor("health to report the database up", async () => (await (await fetch(`${web!.url}/api/health`)).json()).checks.database.up === true, 10_000);

    for (const { runId } of runs) {
      const r = await waitForRun(g.db, runId, 120_000);
      expect(r.status, (await logsOf(g.db, runId)).slice(-2000)).toBe("succeeded");
    }
    // Nothing lost, nothing twice: each SQL node wrote its one row per run.
    const c = new pg.Client({ connectionString: pgServer.url(`${g.whPrefix}_dev`) });
    await c.connect();
    try {
      for (const n of NODES) {
        const { rows } = await c.query(`SELECT run_id FROM padma_feature.outage_${n} ORDER BY run_id`);
        expect(rows.map((r) => r.run_id), n).toEqual(runs.map((r) => r.runId).sort());
      }
    } finally {
      await c.end();
    }
    // A run started after the outage succeeds as well.
    const after = await run(g, "padma_feature", "outage");
    expect((await waitForRun(g.db, after.runId, 120_000)).status).toBe("succeeded");
  });
});
