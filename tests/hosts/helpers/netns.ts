// "Hosts" for the hosts suite: Linux network namespaces on one bridge of their own, each reaching
// PostgreSQL and Redis (which listen on 127.0.0.1 only) at the bridge's gateway address, never at
// the machine's loopback. The same idea as the node network (packages/executor/src/node-network.ts):
// DNAT gateway:port → 127.0.0.1:port with route_localnet on the bridge only, and a pg_hba line for
// the subnet followed by a reload (PostgreSQL itself is never restarted or reconfigured). Redis is a
// private instance listening on the gateway address only (the shared one runs in protected mode
// and must not be reconfigured), so the hosts' BullMQ traffic is theirs alone.
// Addresses exist only inside what this file creates, and teardown() removes all of it.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import pg from "pg";

export interface Hosts {
  tag: string;
  /** The gateway address the hosts reach PostgreSQL and Redis at (also answers on this machine). */
  gateway: string;
  /** The private Redis, at the gateway. */
  redisUrl: string;
  namespaces: string[];
  teardown(): Promise<void>;
}

const PORTS = "5432";

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Why namespaces cannot be made here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return "not root";
  const probe = `galley-probe-${randomBytes(3).toString("hex")}`;
  try {
    sh("ip", ["netns", "add", probe]);
    sh("ip", ["netns", "del", probe]);
    sh("iptables", ["-t", "nat", "-S", "OUTPUT"]);
    return null;
  } catch (e) {
    return `ip netns / iptables failed: ${(e as Error).message.split("\n")[0]}`;
  }
}

/** A 10.213.x.0/24 not on any interface of this machine (tests of several sessions may run at once). */
function freeSubnet(): number {
  const used = sh("ip", ["-4", "-o", "addr"]);
  for (let i = 0; i < 50; i++) {
    const x = 1 + (randomBytes(1)[0] % 250);
    if (!used.includes(`10.213.${x}.`)) return x;
  }
  throw new Error("no free 10.213.x.0/24");
}

export async function createHosts(count: number, adminUrl: string): Promise<Hosts> {
  const tag = randomBytes(2).toString("hex");
  const x = freeSubnet();
  const gateway = `10.213.${x}.1`;
  const subnet = `10.213.${x}.0/24`;
  const bridge = `galh${tag}`;
  const namespaces: string[] = [];
  const undo: (() => void)[] = [];
  const hbaMark = `# galley-hosts-test-${tag}`;
  let hbaFile: string | null = null;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const tryRun = (cmd: string, args: string[]) => {
    try {
      sh(cmd, args);
    } catch {
      // Teardown goes on: each step removes what it can.
    }
  };
  let redis: ChildProcess | null = null;
  const teardown = async () => {
    if (redis && redis.exitCode === null) {
      const exited = new Promise((r) => redis!.once("exit", r));
      redis.kill("SIGKILL");
      await exited;
    }
    for (const u of undo.reverse()) u();
    undo.length = 0;
    if (hbaFile) {
      const lines = readFileSync(hbaFile, "utf8").split("\n").filter((l) => !l.endsWith(hbaMark));
      writeFileSync(hbaFile, lines.join("\n"));
      await admin.query("SELECT pg_reload_conf()").catch(() => {});
      hbaFile = null;
    }
    await admin.end().catch(() => {});
  };
  try {
    sh("ip", ["link", "add", bridge, "type", "bridge"]);
    undo.push(() => tryRun("ip", ["link", "del", bridge]));
    sh("ip", ["addr", "add", `${gateway}/24`, "dev", bridge]);
    sh("ip", ["link", "set", bridge, "up"]);
    // Lets the DNAT to 127.0.0.1 route packets that arrived on this bridge (and nowhere else).
    sh("sysctl", ["-qw", `net.ipv4.conf.${bridge}.route_localnet=1`]);
    const rules: [string, string[]][] = [
      ["PREROUTING", ["-i", bridge, "-d", gateway, "-p", "tcp", "-m", "multiport", "--dports", PORTS, "-j", "DNAT", "--to-destination", "127.0.0.1"]],
      // The test process itself (this machine) uses the same address as the hosts for warehouses.
      ["OUTPUT", ["-d", gateway, "-p", "tcp", "-m", "multiport", "--dports", PORTS, "-j", "DNAT", "--to-destination", "127.0.0.1"]],
    ];
    for (const [chain, spec] of rules) {
      sh("iptables", ["-t", "nat", "-I", chain, "1", ...spec]);
      undo.push(() => tryRun("iptables", ["-t", "nat", "-D", chain, ...spec]));
    }
    for (let i = 0; i < count; i++) {
      const ns = `galley-h${tag}-${i}`;
      const outer = `gh${tag}h${i}`;
      const inner = `gh${tag}n${i}`;
      sh("ip", ["netns", "add", ns]);
      undo.push(() => tryRun("ip", ["netns", "del", ns]));
      namespaces.push(ns);
      sh("ip", ["link", "add", outer, "type", "veth", "peer", "name", inner]);
      undo.push(() => tryRun("ip", ["link", "del", outer]));
      sh("ip", ["link", "set", outer, "master", bridge]);
      sh("ip", ["link", "set", outer, "up"]);
      sh("ip", ["link", "set", inner, "netns", ns]);
      const inNs = (...args: string[]) => sh("ip", ["netns", "exec", ns, ...args]);
      inNs("ip", "link", "set", "lo", "up");
      inNs("ip", "addr", "add", `10.213.${x}.${i + 2}/24`, "dev", inner);
      inNs("ip", "link", "set", inner, "up");
      inNs("ip", "route", "add", "default", "via", gateway);
    }
    // Trust for this subnet only, ahead of every other line; removed in teardown.
    hbaFile = (await admin.query<{ hba_file: string }>("SHOW hba_file")).rows[0].hba_file;
    const hba = readFileSync(hbaFile, "utf8");
    writeFileSync(hbaFile, `host all all ${subnet} trust ${hbaMark}\n${hba}`);
    await admin.query("SELECT pg_reload_conf()");
    redis = spawn("redis-server", ["--bind", gateway, "--port", "6379", "--protected-mode", "no", "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"], { stdio: "ignore" });
    await waitForRedis(gateway);
    return { tag, gateway, redisUrl: `redis://${gateway}:6379`, namespaces, teardown };
  } catch (e) {
    await teardown();
    throw e;
  }
}

async function waitForRedis(host: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if (sh("redis-cli", ["-h", host, "-p", "6379", "ping"]).trim() === "PONG") return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`private Redis on ${host}:6379 did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
