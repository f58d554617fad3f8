// GET /api/dashboard as a manager, end to end over HTTP against the real Next.js production
// server (apps/web/start.mjs), with 100,000 runs and 1,000,000 test results in its database; load from
// autocannon on loopback: p99 at 20 connections (target < 100 ms) and at 200 (target < 500 ms).
// Also: the read model alone with no cache (what one request costs PostgreSQL every 5 s), and a
// mixed load where every request asks for another filter (26 different dashboards). The p99s at 20
// and 200 are the steady state's, once every connection was accepted and answered once; the ramp
// (how long that took) and the whole run's p99 are printed beside them (runSteadyLoad, _autocannon.ts).
// Requests say `accept-encoding: gzip, deflate, br` as browsers (and Node's fetch) do; one more
// load at 20 connections without it measures the uncompressed answer. Five sessions share this
// machine's two cores: every figure is printed with the load average it was measured under.
// Usage: pnpm bench dashboard-api [seconds=15]
import os from "node:os";
import { getDashboard, ZDashboardQuery } from "@galley/dashboards";
import { closeDb, getDb } from "@galley/db";
import { assertClean, runLoad, runSteadyLoad, type LoadResult, type SteadyResult } from "./_autocannon";
import { ensureData, percentile, startServer } from "./_dashboard-env";

const SECONDS = Number(process.argv[2] ?? 15);

const BROWSER = { "accept-encoding": "gzip, deflate, br" };
const load = (base: string, token: string, connections: number, paths: string[], headers: Record<string, string> = BROWSER): Promise<LoadResult> =>
  runLoad({ url: base, connections, duration: SECONDS, headers: { authorization: `Bearer ${token}`, ...headers }, paths });
const steadyLoad = (base: string, token: string, connections: number, path: string): Promise<SteadyResult> =>
  runSteadyLoad({ url: base, connections, duration: SECONDS, headers: { authorization: `Bearer ${token}`, ...BROWSER }, paths: [path] });
const loadavg = () => os.loadavg()[0].toFixed(1);
const check = assertClean;

async function main(): Promise<void> {
  const { url, token, counts } = await ensureData();
  console.error(`[bench] ${counts.runs} runs, ${counts.testResults} test results`);
  const server = await startServer(url);
  try {
    const probe = await fetch(`${server.base}/api/dashboard`, { headers: { authorization: `Bearer ${token}`, "accept-encoding": "identity" } });
    const body = (await probe.json()) as { pipelines: unknown[]; totals: { runs7d: number } };
    if (probe.status !== 200) throw new Error(`GET /api/dashboard answered ${probe.status}: ${JSON.stringify(body)}`);
    const bytes = JSON.stringify(body).length;
    const zipped = await sizeOnWire(`${server.base}/api/dashboard`, token);
    console.error(`[bench] dashboard: ${body.pipelines.length} pipelines, ${body.totals.runs7d} runs in 7 days, ${bytes} bytes, ${zipped} gzipped on the wire`);
    await load(server.base, token, 20, ["/api/dashboard"]).then((r) => check(r, "warm-up"));
    const s20 = await steadyLoad(server.base, token, 20, "/api/dashboard");
    const r20 = s20.whole;
    const load20 = loadavg();
    console.error(`[bench] 20 connections: steady p50 ${s20.steady.p50} ms, p99 ${s20.steady.p99} ms, ${s20.steady.rps} req/s; whole run p99 ${r20.latency.p99} ms (load average ${load20})`);
    check(r20, "20 connections");
    const s200 = await steadyLoad(server.base, token, 200, "/api/dashboard");
    const r200 = s200.whole;
    const load200 = loadavg();
    console.error(`[bench] 200 connections: steady p50 ${s200.steady.p50} ms, p99 ${s200.steady.p99} ms, ${s200.steady.rps} req/s; all connected after ${s200.rampMs} ms, whole run p99 ${r200.latency.p99} ms (load average ${load200})`);
    check(r200, "200 connections");
    const me200 = await steadyLoad(server.base, token, 200, "/api/me");
    console.error(`[bench] baseline GET /api/me, 200 connections: steady p99 ${me200.steady.p99} ms, ${me200.steady.rps} req/s; all connected after ${me200.rampMs} ms, whole run p99 ${me200.whole.latency.p99} ms`);
    // The same machine's floor: a trivial authenticated route (GET /api/me) under the same load.
    const base20 = await load(server.base, token, 20, ["/api/me"]);
    console.error(`[bench] baseline GET /api/me, 20 connections: p50 ${base20.latency.p50} ms, p99 ${base20.latency.p99} ms, ${Math.round(base20.requests.average)} req/s (load average ${loadavg()})`);
    const identity = await load(server.base, token, 20, ["/api/dashboard"], {});
    check(identity, "20 connections, uncompressed");
    console.error(`[bench] 20 connections without accept-encoding: p50 ${identity.latency.p50} ms, p99 ${identity.latency.p99} ms (load average ${loadavg()})`);
    const filters = ["", ...Array.from({ length: 25 }, (_, i) => `?kitchen=${i === 0 ? "production" : i === 1 ? "dev" : `team_${String(i + 1).padStart(2, "0")}`}`)];
    const mixed = await load(server.base, token, 20, filters.map((f) => `/api/dashboard${f}`));
    // Private team Kitchens answer with an empty dashboard for a manager: still 200.
    check(mixed, "mixed filters");

    // The read model without the cache, straight against PostgreSQL.
    const db = getDb(url);
    const kitchens = await db.kitchen.findMany({ where: { isPrivate: false }, select: { id: true, name: true, environment: { select: { name: true, kind: true } } } });
    const scope = kitchens.map((k) => ({ id: k.id, name: k.name, environment: k.environment.name, environmentKind: k.environment.kind }));
    const model: number[] = [];
    for (let i = -5; i < 50; i++) {
      const t0 = performance.now();
      await getDashboard({ db }, scope, ZDashboardQuery.parse({}));
      if (i >= 0) model.push(performance.now() - t0);
    }
    await closeDb(url);
    console.log(
      `bench dashboard-api p99_ms=${s20.steady.p99} load_20=${load20} p99_200_ms=${s200.steady.p99} load_200=${load200} p50_ms=${s20.steady.p50} rps_20=${s20.steady.rps} ` +
        `rps_200=${s200.steady.rps} ramp_200_ms=${s200.rampMs} p99_200_with_ramp_ms=${r200.latency.p99} baseline_me_p99_ms=${base20.latency.p99} baseline_me_p99_200_ms=${me200.steady.p99} baseline_me_p99_200_with_ramp_ms=${me200.whole.latency.p99} p99_mixed_filters_ms=${mixed.latency.p99} p99_identity_ms=${identity.latency.p99} bytes=${bytes} gzip_bytes=${zipped} uncached_read_model_p50_ms=${percentile(model, 50)} ` +
        `runs=${counts.runs} test_results=${counts.testResults} pipelines=${body.pipelines.length}`,
    );
  } finally {
    await server.stop();
  }
}

/** Bytes of the answer on the wire when the client accepts gzip (fetch would undo the encoding). */
async function sizeOnWire(url: string, token: string): Promise<number> {
  const http = await import("node:http");
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { authorization: `Bearer ${token}`, ...BROWSER } }, (res) => {
      let n = 0;
      res.on("data", (d: Buffer) => (n += d.length));
      res.on("end", () => resolve(n));
    }).on("error", reject);
  });
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
