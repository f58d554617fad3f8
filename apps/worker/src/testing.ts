import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { closeDb, getDb, migrate, MIGRATIONS_DIR, type Db } from "@galley/db";
import { adminUrl, createTestDatabase, withDatabase, type TestDatabase } from "@galley/db/testing";
import { AnalyticsRepo } from "@galley/git";
import { startRun } from "@galley/runs";
import type { RunSelection } from "@galley/pipelines";
import { listSecrets } from "@galley/vault";
import { seedDemo } from "../../../scripts/seed-demo";

const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface WorkerEnv {
  t: TestDatabase;
  db: Db;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  repo: AnalyticsRepo;
  whPrefix: string;
  /** Superuser URL of the server holding Galley's database and the warehouses. */
  adminUrl: string;
}

export interface GalleyOptions {
  /** Superuser URL of another PostgreSQL server (a private one the test stops): Galley's database and warehouses go there. */
  adminUrl?: string;
  /** More environment for the worker and web processes (REDIS_URL, GALLEY_DOCKER_SOCKET…). */
  env?: Record<string, string>;
}

/** A migrated database of its own on the server at `admin` (no template there: migrated in place). */
async function databaseOn(admin: string): Promise<TestDatabase> {
  const name = `galley_t_${randomBytes(5).toString("hex")}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE "${name}"`).finally(() => c.end());
  const url = withDatabase(admin, name);
  await migrate(url, MIGRATIONS_DIR);
  return {
    name, url, db: getDb(url),
    drop: async () => {
      await closeDb(url);
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => d.end());
    },
  };
}

/** A seeded Galley (database, repo, vault, warehouses) of its own; Docker and the runner image ready. */
export async function setUpGalley(executor: "docker" | "local" = "docker", opts: GalleyOptions = {}): Promise<WorkerEnv> {
  if (executor === "docker") {
    execFileSync("bash", [path.join(ROOT, "scripts/ensure-docker.sh")], { stdio: "inherit" });
    execFileSync("bash", [path.join(ROOT, "docker/runner/build.sh")], { stdio: "inherit" });
  }
  const t = opts.adminUrl ? await databaseOn(opts.adminUrl) : await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "galley-worker-"));
  const whPrefix = `galley_t_wh${randomBytes(3).toString("hex")}`;
  await seedDemo({ databaseUrl: t.url, dataDir, warehouseDbPrefix: whPrefix });
  const env = {
    ...process.env,
    DATABASE_URL: t.url,
    GALLEY_DATA_DIR: dataDir,
    GALLEY_QUEUE_PREFIX: `galley-t-${randomBytes(4).toString("hex")}`,
    GALLEY_EXECUTOR: executor,
    WORKER_CONCURRENCY: "4",
    LOG_LEVEL: "info",
    ...opts.env,
  };
  return { t, db: getDb(t.url), dataDir, env, repo: await AnalyticsRepo.open(path.join(dataDir, "repo.git")), whPrefix, adminUrl: opts.adminUrl ?? adminUrl() };
}

export async function tearDownGalley(g: WorkerEnv): Promise<void> {
  await g.t.drop();
  const admin = getDb(g.adminUrl);
  for (const suffix of ["dev", "prod"]) await admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${g.whPrefix}_${suffix}" WITH (FORCE)`).catch(() => {});
}

export function startWorker(g: WorkerEnv, opts: { env?: Record<string, string | undefined>; args?: string[] } = {}): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "apps/worker/src/main.ts"), ...(opts.args ?? [])], {
    env: { ...g.env, ...opts.env },
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  }) as ChildProcess & { output: string[] };
  child.output = [];
  child.stdout!.on("data", (d) => child.output.push(String(d)));
  child.stderr!.on("data", (d) => child.output.push(String(d)));
  return child;
}

export async function stopWorker(w: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (w.exitCode !== null || w.signalCode !== null) return;
  const exited = new Promise((r) => w.once("exit", r));
  w.kill(signal);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (w.exitCode === null && w.signalCode === null) w.kill("SIGKILL");
}

export async function run(g: WorkerEnv, kitchen: string, pipeline: string, opts: { selection?: RunSelection; parameters?: Record<string, string | number> } = {}) {
  const k = await g.db.kitchen.findFirstOrThrow({ where: { name: kitchen, deletedAt: null } });
  return startRun(
    {
      db: g.db,
      executor: g.env.GALLEY_EXECUTOR as "docker" | "local",
      vaultNames: async (e) => (await listSecrets({ db: g.db }, e)).map((s) => s.name),
      source: { headOf: (b) => g.repo.headOf(b), readTextFiles: async (c, p) => (await g.repo.readAllTextFiles(c, p)).files },
    },
    { kitchenId: k.id, pipeline, trigger: "manual", triggeredById: null, ...opts },
  );
}

export async function waitForRun(db: Db, runId: string, timeoutMs = 60_000): Promise<{ status: string; nodes: Record<string, { status: string; attempt: number; outputs: unknown; error: string | null }> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await db.run.findUniqueOrThrow({ where: { id: runId }, include: { nodes: true } });
    if (["succeeded", "failed", "cancelled"].includes(r.status) || Date.now() > deadline) {
      return { status: r.status, nodes: Object.fromEntries(r.nodes.map((n) => [n.nodeId, { status: n.status, attempt: n.attempt, outputs: n.outputs, error: n.error }])) };
    }
    await new Promise((res) => setTimeout(res, 100));
  }
}

export async function logsOf(db: Db, runId: string): Promise<string> {
  const lines = await db.nodeLog.findMany({ where: { nodeRun: { runId } }, orderBy: { id: "asc" }, select: { line: true } });
  return lines.map((l) => l.line).join("\n");
}

export async function commit(g: WorkerEnv, branch: string, files: Record<string, string>) {
  return g.repo.commitFiles(branch, { changes: Object.entries(files).map(([p, content]) => ({ path: p, content })), message: "test pipeline", author: { name: "Test", email: "t@galley.local" } });
}
