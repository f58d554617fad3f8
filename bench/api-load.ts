// One web process (apps/web/start.mjs) under autocannon on loopback, with 100,000 runs and 1,000
// Kitchens in the database: the Kitchen tree, a Kitchen's runs page (first and a deep page) and
// a run's detail, at 20 and at 200 concurrent connections. p99_ms / p99_200_ms are the worst
// endpoint's p99 at 20 / 200 connections. The machine is shared: each case also prints the load
// average and the web process's CPU time per request, and the trivial authenticated GET /api/me
// is measured the same way at both loads as the floor (baseline_me_*). Each case's p99 is the
// steady state's, once all its connections were accepted and answered once; the time that took
// and the p99 over the whole run, ramp included, are printed beside it (_ramp_ms,
// _p99_with_ramp_ms): see runSteadyLoad in _autocannon.ts for why they differ. Usage: pnpm bench
// api-load [seconds per case=8]. GALLEY_WEB_PROCESSES=2 runs two web processes behind the port.
// Requests say `accept-encoding: gzip, deflate, br`, as browsers and fetch do (dashboard-api too).
import os from "node:os";
import autocannon from "autocannon";
import setupTemplate from "../packages/db/src/testing/global-setup";
import { createAccessToken } from "@galley/auth";
import { createTestDatabase } from "@galley/db/testing";
import { runSteadyLoad } from "./_autocannon";
import { treeCpuSeconds } from "./_proc-cpu";
import { ensureWebBuild, startWeb, type WebProcess } from "./_web";

const SECONDS = Number(process.argv[2] ?? 8);
const BROWSER = { "accept-encoding": "gzip, deflate, br" };
const KITCHENS = 1_000;
const RUNS = 100_000;

await setupTemplate();
ensureWebBuild();
const t = await createTestDatabase();
let web: WebProcess | undefined;
try {
  const db = t.db;
  const users = [];
  for (let i = 0; i < 20; i++) users.push(await db.user.create({ data: { email: `u${i}@bench.local`, name: `User ${i}`, role: i === 0 ? "developer" : "dataops", passwordHash: "unused" } }));
  const env = await db.environment.create({ data: { name: "development", kind: "development", warehouseHost: "127.0.0.1", warehouseDb: "x", warehouseUser: "x" } });
  // production → dev → 998 team and personal Kitchens, 3 staff each (user 0 on every one).
  await db.$executeRaw`
    INSERT INTO kitchens (id, name, branch, schema_name, environment_id, is_private)
    SELECT gen_random_uuid(), n, n, n, ${env.id}::uuid, i % 5 = 0 AND i > 1
    FROM (SELECT i, CASE i WHEN 0 THEN 'production' WHEN 1 THEN 'dev' ELSE 'k_' || lpad(i::text, 4, '0') END AS n FROM generate_series(0, ${KITCHENS - 1}) i) s`;
  await db.$executeRaw`UPDATE kitchens SET parent_id = (SELECT id FROM kitchens WHERE name = 'production') WHERE name = 'dev'`;
  await db.$executeRaw`UPDATE kitchens SET parent_id = (SELECT id FROM kitchens WHERE name = 'dev') WHERE name LIKE 'k\\_%'`;
  const ids = users.map((u) => u.id);
  await db.$executeRaw`
    INSERT INTO kitchen_staff (kitchen_id, user_id, is_owner)
    SELECT k.id, u.uid, u.o = 1
    FROM (SELECT id, row_number() OVER (ORDER BY name) AS r FROM kitchens) k
    CROSS JOIN LATERAL (SELECT DISTINCT ON (uid) uid, o FROM (VALUES (${ids[0]}::uuid, 1), ((${ids}::uuid[])[2 + k.r % 19], 2), ((${ids}::uuid[])[2 + (k.r * 7) % 19], 3)) v(uid, o)) u`;
  // Half the runs in dev (the runs page measured), the rest spread over the other Kitchens.
  await db.$executeRaw`
    INSERT INTO runs (id, kitchen_id, pipeline, commit, status, trigger, executor, compiled, created_at)
    SELECT gen_random_uuid(),
           CASE WHEN i % 2 = 0 THEN (SELECT id FROM kitchens WHERE name = 'dev') ELSE (SELECT id FROM kitchens WHERE name = 'k_' || lpad((2 + i % 998)::text, 4, '0')) END,
           'p' || (i % 7), 'c0ffee', (ARRAY['succeeded','failed','succeeded','cancelled'])[1 + i % 4], 'manual', 'local',
           '{"deps": {"a": [], "b": ["a"], "c": ["b"]}}'::jsonb, now() - make_interval(secs => i * 3)
    FROM generate_series(1, ${RUNS}) i`;
  await db.$executeRaw`
    INSERT INTO node_runs (id, run_id, node_id, type, status, remaining_deps, attempt)
    SELECT gen_random_uuid(), r.id, n, 'sql', r.status, 0, 1 FROM runs r CROSS JOIN unnest(ARRAY['a','b','c']) n`;
  await db.$executeRaw`ANALYZE`;
  const dev = await db.kitchen.findFirstOrThrow({ where: { name: "dev" } });
  const deep = await db.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM runs WHERE kitchen_id = ${dev.id}::uuid ORDER BY created_at DESC, id DESC OFFSET 40000 LIMIT 1`;
  const oneRun = await db.$queryRaw<{ id: string }[]>`SELECT id::text AS id FROM runs WHERE kitchen_id = ${dev.id}::uuid ORDER BY created_at DESC LIMIT 1 OFFSET 123`;
  const { token } = await createAccessToken({ db }, users[0].id, "bench");
  web = await startWeb(t.url);

  const cases: Record<string, string> = {
    baseline_me: "/api/me",
    tree: "/api/kitchens",
    runs_first: "/api/kitchens/dev/runs",
    runs_deep: `/api/kitchens/dev/runs?before=${deep[0].id}`,
    run_detail: `/api/runs/${oneRun[0].id}`,
  };
  for (const [name, path] of Object.entries(cases)) {
    const res = await fetch(web.url + path, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`${name} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  }
  const results: Record<string, number> = {};
  // What each answer weighs on the wire for a browser (gzip when it pays, by the web process).
  const http = await import("node:http");
  for (const [name, path] of Object.entries(cases)) {
    results[`${name}_wire_bytes`] = await new Promise<number>((resolve, reject) => {
      http.get(web!.url + path, { headers: { authorization: `Bearer ${token}`, ...BROWSER } }, (res) => {
        let n = 0;
        res.on("data", (d: Buffer) => (n += d.length));
        res.on("end", () => resolve(n));
      }).on("error", reject);
    });
  }
  let worst20 = 0;
  let worst200 = 0;
  // Warm up (JIT, caches) so that the first case measured is not also the first served.
  for (const path of Object.values(cases)) await autocannon({ url: web.url + path, connections: 20, duration: 2, headers: { authorization: `Bearer ${token}`, ...BROWSER } });
  const pid = web.child.pid!;
  for (const connections of [20, 200]) {
    for (const [name, path] of Object.entries(cases)) {
      const cpu0 = treeCpuSeconds(pid);
      const { steady, whole: r, rampMs } = await runSteadyLoad({ url: web.url, paths: [path], connections, duration: SECONDS, headers: { authorization: `Bearer ${token}`, ...BROWSER } });
      const cpuMs = ((treeCpuSeconds(pid) - cpu0) * 1000) / Math.max(1, r.requests.total);
      const load = os.loadavg()[0];
      if (r.non2xx || r.errors || r.timeouts) throw new Error(`${name} at ${connections}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
      const suffix = connections === 20 ? "" : "_200";
      const p99 = steady.p99;
      results[`${name}_answered${suffix}`] = steady.n;
      results[`${name}_p99${suffix}_ms`] = p99;
      results[`${name}_p50${suffix}_ms`] = steady.p50;
      results[`${name}_rps${suffix}`] = steady.rps;
      results[`${name}_ramp${suffix}_ms`] = rampMs;
      results[`${name}_p99_with_ramp${suffix}_ms`] = r.latency.p99;
      results[`${name}_cpu_ms_per_req${suffix}`] = Math.round(cpuMs * 100) / 100;
      results[`${name}_load${suffix}`] = Math.round(load * 10) / 10;
      if (name !== "baseline_me") {
        if (connections === 20) worst20 = Math.max(worst20, p99);
        else worst200 = Math.max(worst200, p99);
      }
      console.error(`${name} c=${connections}: steady p50 ${steady.p50} ms, p99 ${p99} ms, max ${steady.max} ms, ${steady.rps} req/s; all connected after ${rampMs} ms, whole-run p99 ${r.latency.p99} ms; ${cpuMs.toFixed(2)} ms CPU/request (load average ${load.toFixed(1)})`);
    }
  }
  console.log(`bench api-load p99_ms=${worst20} p99_200_ms=${worst200} web_processes=${process.env.GALLEY_WEB_PROCESSES ?? 1} ${Object.entries(results).map(([k, v]) => `${k}=${v}`).join(" ")} runs=${RUNS} kitchens=${KITCHENS}`);
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await web?.stop();
  await t.drop();
  process.exit(process.exitCode ?? 0);
}
