// What dashboard-api and control-chart share: a Galley database of their own with a realistic
// history (25 Kitchens × 4 pipelines × 1,000 runs = 100,000 runs over ~60 days, 2 nodes each,
// 10 test results per run = 1,000,000 test results), built once with generate_series (the
// rollup triggers see it like any other write) and reused while its marker matches; and the real
// Next.js production server (`next build` when the sources are newer than the build, then
// apps/web/start.mjs) pointed at it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import setupTemplate from "../packages/db/src/testing/global-setup";
import { createAccessToken } from "@galley/auth";
import { closeDb, getDb } from "@galley/db";
import { adminUrl, TEMPLATE_DB, withDatabase } from "@galley/db/testing";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const WEB = path.join(ROOT, "apps/web");
export const KITCHENS = 25;
export const PIPELINES = ["orders_daily", "customers", "revenue", "inventory"];
export const RUNS_PER_PIPELINE = 1000;
const TESTS_PER_NODE = 5;
// The template name carries the migrations' hash: a schema change builds a new data set.
const DATABASE = `galley_bench_dash_${TEMPLATE_DB.slice(-10)}`;
const MARKER = `bench.dashboard v1 ${KITCHENS}x${PIPELINES.length}x${RUNS_PER_PIPELINE}`;

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 10) / 10;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function isReady(url: string): Promise<boolean> {
  const exists = await admin((c) => c.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE]));
  if (!exists.rowCount) return false;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query("SELECT 1 FROM audit_log WHERE action = $1", [MARKER]);
    return (r.rowCount ?? 0) > 0;
  } catch {
    return false;
  } finally {
    await c.end();
  }
}

async function build(url: string): Promise<void> {
  await admin(async (c) => {
    // Data sets of older migrations are not needed any more (each is ~1 GB).
    const old = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'galley\\_bench\\_dash\\_%' AND datname <> $1`, [DATABASE]);
    for (const r of old.rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    await c.query(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${DATABASE}" TEMPLATE "${TEMPLATE_DB}"`);
  });
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const step = async (what: string, sql: string) => {
    const t0 = performance.now();
    const r = await c.query(sql);
    console.error(`[bench] ${what}: ${r.rowCount ?? ""} rows in ${Math.round(performance.now() - t0)} ms`);
  };
  try {
    await step("users", `INSERT INTO users (id, email, name, role, password_hash) VALUES (gen_random_uuid(), 'maya@bench.local', 'Maya', 'viewer', 'x'), (gen_random_uuid(), 'eric@bench.local', 'Eric', 'production', 'x')`);
    await step("environments", `INSERT INTO environments (id, name, kind, warehouse_host, warehouse_db, warehouse_user) VALUES
      (gen_random_uuid(), 'production', 'production', '127.0.0.1', 'x', 'x'), (gen_random_uuid(), 'development', 'development', '127.0.0.1', 'y', 'y')`);
    // production, dev, then team Kitchens; every fifth team Kitchen is private (hidden from managers).
    await step("kitchens", `INSERT INTO kitchens (id, name, branch, schema_name, environment_id, is_private)
      SELECT gen_random_uuid(), n, n, n, e.id, g > 2 AND g % 5 = 0
      FROM generate_series(1, ${KITCHENS}) g
      CROSS JOIN LATERAL (SELECT CASE g WHEN 1 THEN 'production' WHEN 2 THEN 'dev' ELSE 'team_' || lpad(g::text, 2, '0') END AS n) x
      JOIN environments e ON e.name = CASE WHEN g = 1 THEN 'production' ELSE 'development' END`);
    await step("staff", `INSERT INTO kitchen_staff (kitchen_id, user_id, is_owner) SELECT k.id, u.id, true FROM kitchens k, users u WHERE u.email = 'eric@bench.local'`);
    // One run every 86 minutes per pipeline (~60 days); 6% fail, 2% are cancelled, 5% warn.
    await step("runs", `INSERT INTO runs (id, kitchen_id, pipeline, commit, status, trigger, warnings, created_at, started_at, finished_at)
      SELECT gen_random_uuid(), k.id, p.name, 'c0ffee0000000000000000000000000000000000',
        CASE WHEN h < 0.06 THEN 'failed' WHEN h < 0.08 THEN 'cancelled' ELSE 'succeeded' END, 'schedule',
        CASE WHEN h > 0.95 THEN 1 ELSE 0 END,
        now() - i * interval '86 minutes', now() - i * interval '86 minutes' + interval '2 seconds',
        now() - i * interval '86 minutes' + (60 + 40 * h + i % 7) * interval '1 second'
      FROM kitchens k
      CROSS JOIN unnest(ARRAY[${PIPELINES.map((p) => `'${p}'`).join(", ")}]) p(name)
      CROSS JOIN generate_series(1, ${RUNS_PER_PIPELINE}) i
      CROSS JOIN LATERAL (SELECT ((hashtext(k.name || p.name || i) & 65535) / 65536.0) AS h) x`);
    await step("node runs", `INSERT INTO node_runs (id, run_id, node_id, type, status, remaining_deps, attempt, started_at, finished_at)
      SELECT gen_random_uuid(), r.id, n.node, 'sql', CASE WHEN r.status = 'succeeded' OR n.node = 'transform' THEN 'succeeded' ELSE r.status END, 0, 1, r.started_at, r.finished_at
      FROM runs r CROSS JOIN (VALUES ('transform'), ('summary')) n(node)`);
    // Each test's value wanders around 1,000 with noise; limits are mean ± 3σ; a point beyond
    // them warns. Per Kitchen/pipeline/node/test that is one point per run: 1,000 points.
    await step("test results", `INSERT INTO test_results (run_id, node_run_id, kitchen_id, pipeline, node, test_name, kind, value, mean, sigma, lower_limit, upper_limit, rule, verdict, level, created_at)
      SELECT r.id, nr.id, r.kitchen_id, r.pipeline, nr.node_id, 'metric_' || t, 'row_count', v, 1000, 30, 910, 1090,
        CASE WHEN v > 1090 OR v < 910 THEN 'beyond_limits' END,
        CASE WHEN v > 1090 OR v < 910 THEN 'warned' ELSE 'passed' END, 'warn', r.finished_at
      FROM node_runs nr JOIN runs r ON r.id = nr.run_id
      CROSS JOIN generate_series(1, ${TESTS_PER_NODE}) t
      CROSS JOIN LATERAL (SELECT 1000 + 60 * (((hashtext(nr.id::text || t) & 65535) / 65536.0) - 0.5) * 3.2 AS v) x`);
    await step("analyze", "ANALYZE");
    await c.query("INSERT INTO audit_log (action, target) VALUES ($1, 'bench')", [MARKER]);
  } finally {
    await c.end();
  }
}

/** The bench database, built if missing; with a fresh access token of the manager (viewer). */
export async function ensureData(): Promise<{ url: string; token: string; counts: { runs: number; testResults: number } }> {
  await setupTemplate();
  const url = withDatabase(adminUrl(), DATABASE);
  if (!(await isReady(url))) {
    const t0 = performance.now();
    console.error(`[bench] building ${DATABASE} (100,000 runs, 1,000,000 test results)…`);
    await build(url);
    console.error(`[bench] built in ${Math.round((performance.now() - t0) / 1000)} s`);
  }
  const db = getDb(url);
  const maya = await db.user.findUniqueOrThrow({ where: { email: "maya@bench.local" }, select: { id: true } });
  const { token } = await createAccessToken({ db }, maya.id, `bench ${new Date().toISOString()}`);
  const [runs, testResults] = await Promise.all([db.run.count(), db.testResult.count()]);
  await closeDb(url);
  return { url, token, counts: { runs, testResults } };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === ".next" || e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** `next build` unless the build is newer than every source it is made of. */
export function ensureBuild(): void {
  const id = path.join(WEB, ".next/BUILD_ID");
  const sources = Math.max(...["app", "lib", "components"].map((d) => newestMtime(path.join(WEB, d))), ...readdirSync(path.join(ROOT, "packages")).map((p) => newestMtime(path.join(ROOT, "packages", p, "src"))));
  if (existsSync(id) && statSync(id).mtimeMs > sources) return;
  console.error("[bench] next build (sources changed)…");
  const r = spawnSync(process.execPath, ["./node_modules/next/dist/bin/next", "build"], { cwd: WEB, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) throw new Error("next build failed");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** The web process (apps/web/start.mjs, as the README starts it) on a free loopback port, serving `databaseUrl`; stop() ends it. */
export async function startServer(databaseUrl: string): Promise<{ base: string; stop(): Promise<void> }> {
  ensureBuild();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["start.mjs"], {
    cwd: WEB,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env, DATABASE_URL: databaseUrl, GALLEY_BASE_URL: base, GALLEY_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "galley-bench-dash-")),
      LOG_LEVEL: "error", NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", PORT: String(port), GALLEY_WEB_HOST: "127.0.0.1",
    },
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`the web process exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/sign-in`).then((r) => r.ok, () => false);
    if (ok) return { base, stop };
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error("the web process did not answer within 60 s");
}
