// Private PostgreSQL, Redis and Docker engines for the faults suite. The shared ones (5432, 6379,
// /var/run/docker.sock) serve every session on the machine and must never be stopped: a test that
// stops a service starts its own copy (own data dir, port, socket) and stops that one.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** A port nobody listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor(what: string, ok: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.resolve().then(ok).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface PrivatePostgres {
  port: number;
  /** Superuser URL of a database on this server. */
  url(database?: string): string;
  stop(): void;
  start(): void;
  destroy(): void;
}

/** initdb into a temp dir, then pg_ctl on its own port and socket dir (loopback only, trust auth). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = (name: string) => {
    const found = execFileSync("bash", ["-c", `ls /usr/lib/postgresql/*/bin/${name} | sort -V | tail -n 1`]).toString().trim();
    if (!found) throw new Error(`${name} not found (apt-get install postgresql)`);
    return found;
  };
  const initdb = bin("initdb");
  const pgCtl = bin("pg_ctl");
  const dir = mkdtempSync(path.join(os.tmpdir(), "galley-faults-pg-"));
  const data = path.join(dir, "data");
  const sock = path.join(dir, "sock");
  mkdirSync(sock);
  // PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? Number(execFileSync("id", ["-u", "postgres"]).toString()) : undefined;
  const group = asRoot ? Number(execFileSync("id", ["-g", "postgres"]).toString()) : undefined;
  chmodSync(dir, 0o755);
  if (owner !== undefined) {
    chownSync(dir, owner, group!);
    chownSync(sock, owner, group!);
  }
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(asRoot ? "runuser" : cmd, asRoot ? ["-u", "postgres", "--", cmd, ...args] : args, { encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args[0]} failed: ${r.stderr || r.stdout}`);
  };
  run(initdb, ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"]);
  const port = await freePort();
  // fsync off: the tests stop it cleanly or on purpose, and speed matters more than durability here.
  const opts = `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_buffers=32MB`;
  const pg: PrivatePostgres = {
    port,
    url: (database = "postgres") => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    start: () => run(pgCtl, ["-D", data, "-o", opts, "-l", path.join(dir, "log"), "-w", "-t", "60", "start"]),
    // Fast: open sessions are cut, as when the server goes away under load.
    stop: () => run(pgCtl, ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]),
    destroy: () => {
      if (existsSync(path.join(data, "postmaster.pid"))) {
        try {
          run(pgCtl, ["-D", data, "-m", "immediate", "-w", "stop"]);
        } catch {
          // Already gone.
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  pg.start();
  return pg;
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL: no persistence, so everything in it is lost. */
  kill(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** redis-server on its own port, without persistence (a restart loses every key). */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "galley-faults-redis-"));
  let child: ChildProcess | undefined;
  const r: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn("redis-server", ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir, "--maxmemory-policy", "noeviction"], { stdio: "ignore" });
      await waitFor("private redis", () => new Promise<boolean>((res) => {
        const s = net.connect(port, "127.0.0.1", () => s.end(() => res(true)));
        s.on("error", () => res(false));
      }), 30_000);
    },
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((res) => c.once("exit", res));
      c.kill("SIGKILL");
      await exited;
    },
    async destroy() {
      await r.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await r.start();
  return r;
}

export interface PrivateDocker {
  socket: string;
  /** For the docker CLI: -H unix://… */
  host: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A second dockerd with its own socket, data root, exec root and pid file. It manages no bridge
 * and no iptables rules (those of the shared engine and of Galley's node network stay untouched):
 * its containers run with network mode `none`. `images` are copied in from the shared engine.
 */
export async function startPrivateDocker(images: string[]): Promise<PrivateDocker> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "galley-faults-docker-"));
  // A short exec root: containerd's socket paths must stay under the 108-byte limit.
  const execRoot = mkdtempSync("/tmp/gfd-");
  const socket = path.join(dir, "docker.sock");
  const host = `unix://${socket}`;
  let child: ChildProcess | undefined;
  const up = () => spawnSync("docker", ["-H", host, "version", "--format", "{{.Server.Version}}"], { encoding: "utf8", timeout: 5_000 }).status === 0;
  const d: PrivateDocker = {
    socket,
    host,
    async start() {
      child = spawn("dockerd", [
        "-H", host, "--data-root", path.join(dir, "data"), "--exec-root", execRoot, "--pidfile", path.join(dir, "docker.pid"),
        "--bridge", "none", "--iptables=false", "--ip6tables=false", "--ip-masq=false", "--ip-forward=false",
        "--log-level", "warn",
      ], { stdio: ["ignore", "ignore", "ignore"] });
      await waitFor("private dockerd", up, 60_000);
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((res) => c.once("exit", res));
      c.kill("SIGTERM");
      const t = setTimeout(() => c.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(t);
    },
    async destroy() {
      await d.stop();
      // Mounts dockerd left behind (overlay layers, netns) would keep the dirs busy.
      spawnSync("bash", ["-c", `grep -E ' (${dir}|${execRoot})' /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l`]);
      rmSync(dir, { recursive: true, force: true });
      rmSync(execRoot, { recursive: true, force: true });
    },
  };
  await d.start();
  for (const image of images) {
    const r = spawnSync("bash", ["-c", `docker save ${image} | docker -H ${host} load`], { encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0) {
      await d.destroy();
      throw new Error(`loading ${image} into the private engine failed: ${r.stderr}`);
    }
  }
  return d;
}
