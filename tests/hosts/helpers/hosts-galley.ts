// A seeded Galley whose workers run on "hosts" (network namespaces from ./netns): each worker has
// its own empty data directory, no repository, no key file and no GALLEY_KEK (its pool's keys come
// sealed in the worker credential it starts with), and reaches PostgreSQL and Redis at the gateway only. Shared by the hosts suite and the hosts benchmarks.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadKeyring } from "@galley/vault";
import { issueWorkerCredential } from "@galley/workers";
import { setUpGalley, tearDownGalley, type WorkerEnv } from "../../../apps/worker/src/testing";
import { createHosts, type Hosts } from "./netns";

const ROOT = path.resolve(import.meta.dirname, "../../..");

export interface HostWorker {
  ns: string;
  pool: string;
  dataDir: string;
  child: ChildProcess;
  output: string[];
  /** `hostname:pid`, as the worker writes in node_runs.worker_id. */
  workerId: string;
  /** The credential it was started with (issued for its pool by the control plane, as an admin would). */
  credential: { id: string; token: string };
  exited: Promise<{ code: number | null; signal: string | null }>;
}

export interface HostsGalley {
  g: WorkerEnv;
  hosts: Hosts;
  /** The main vault key (the seed's): the control plane's; hosts get keys only through their credentials. */
  kek: string;
  prefix: string;
  workers: HostWorker[];
  start(hostIndex: number, pool: string, opts?: { concurrency?: number; env?: Record<string, string> }): Promise<HostWorker>;
  /** The control plane's key ring (main key and GALLEY_POOL_KEKS), which seals credentials' pool keys. */
  poolKeks?: string;
  teardown(): Promise<void>;
}

/** `poolKeks`: the control plane's GALLEY_POOL_KEKS, so a pool's credentials carry its own key. */
export async function setUpHostsGalley(hostCount: number, opts: { poolKeks?: string } = {}): Promise<HostsGalley> {
  const g = await setUpGalley("local");
  const adminUrl = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  let hosts: Hosts;
  try {
    hosts = await createHosts(hostCount, adminUrl);
  } catch (e) {
    await tearDownGalley(g);
    throw e;
  }
  // Warehouses at the gateway: the same address works on every host and on this machine.
  await g.db.environment.updateMany({ where: { name: { in: ["production", "development"] } }, data: { warehouseHost: hosts.gateway } });
  const kek = readFileSync(path.join(g.dataDir, "kek"), "utf8").split("\n").map((l) => l.trim()).find((l) => l && !l.startsWith("#"))!;
  const prefix = `galley-h-${randomBytes(4).toString("hex")}`;
  const dbUrl = new URL(g.t.url);
  dbUrl.hostname = hosts.gateway;
  const workers: HostWorker[] = [];

  const start: HostsGalley["start"] = async (hostIndex, pool, startOpts = {}) => {
    const ns = hosts.namespaces[hostIndex];
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `galley-host${hostIndex}-`));
    // Its pool's keys reach the host only inside this credential (no GALLEY_KEK, no key file).
    const keyring = loadKeyring({ kek, kekFile: "/nonexistent", create: false, poolKeks: opts.poolKeks });
    const credential = await issueWorkerCredential({ db: g.db, keyring }, { pool, name: `${ns} ${pool}`, actorId: null });
    // Only what a worker host is given: no TEST_DATABASE_URL, no data directory of the web app.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: dataDir,
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: hosts.redisUrl,
      GALLEY_DATA_DIR: dataDir,
      GALLEY_QUEUE_PREFIX: prefix,
      GALLEY_EXECUTOR: "local",
      LOG_LEVEL: "info",
      GALLEY_WORKER_CREDENTIAL: credential.token,
      ...startOpts.env,
    };
    const args = ["netns", "exec", ns, process.execPath, "--import", "tsx", path.join(ROOT, "apps/worker/src/main.ts"), "--role", "nodes", "--pool", pool, "--concurrency", String(startOpts.concurrency ?? 4)];
    // `ip netns exec` execs the command: the child's pid is the worker's.
    const child = spawn("ip", args, { env, cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const output: string[] = [];
    child.stdout!.on("data", (d) => output.push(String(d)));
    child.stderr!.on("data", (d) => output.push(String(d)));
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once("exit", (code, signal) => r({ code, signal })));
    const w: HostWorker = { ns, pool, dataDir, child, output, workerId: `${os.hostname()}:${child.pid}`, exited, credential: { id: credential.id, token: credential.token } };
    workers.push(w);
    // Generous: tsx compiles the worker at start, slow on a loaded 2-core machine.
    await waitUntil(`worker on ${ns} started`, async () => {
      if (child.exitCode !== null) throw new Error(`worker on ${ns} exited: ${output.join("")}`);
      return output.join("").includes('"worker started"');
    }, 150_000).catch((e) => {
      throw new Error(`${(e as Error).message}; its output: ${output.join("").slice(-2000)}`);
    });
    return w;
  };

  const teardown = async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
    await Promise.all(workers.map((w) => Promise.race([w.exited, sleep(5_000)])));
    await hosts.teardown();
    await tearDownGalley(g);
  };
  return { g, hosts, kek, prefix, workers, start, teardown, poolKeks: opts.poolKeks };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitUntil(what: string, fn: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(everyMs);
  }
}

/** A pipeline of `n` independent SQL nodes (`n001`…), each running `sql`. */
export function sqlFanOut(name: string, n: number, sql: string): Record<string, string> {
  const lines = [`name: ${name}`, "nodes:"];
  for (let i = 1; i <= n; i++) lines.push(`  - id: n${String(i).padStart(3, "0")}`, "    type: sql", `    sql: "${sql}"`);
  return { [`pipelines/${name}/pipeline.yaml`]: lines.join("\n") + "\n" };
}
