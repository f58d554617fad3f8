import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import type Docker from "dockerode";
import { jumps, openPortsIn, ruleset, CHAIN, type NodeNetworkSettings } from "./node-network-rules";

/** How often a running worker checks (in the background) that its chains and jumps are still there. */
const VERIFY_EVERY_MS = 10_000;

/** The node network could not be set up: nodes that need it fail rather than run unconfined. */
export class NodeNetworkError extends Error {}

function run(cmd: string, args: string[], input?: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr || (err as Error | null)?.message || "") }));
    if (input !== undefined) child.stdin?.end(input);
  });
}

/**
 * Creates Galley's node network (a Docker bridge with inter-container traffic off) and keeps its
 * firewall rules in place: a node reaches the host only on the ports opened for it (its
 * warehouse), everything else on the host is refused. Shared by every run of this process; safe
 * with other processes doing the same (the network create tolerates a conflict, the chains are
 * rebuilt atomically with the union of the ports already open).
 */
export class NodeNetwork {
  private ready?: Promise<void>;
  private readonly open = new Set<number>();
  private verifiedAt = 0;
  private timer?: NodeJS.Timeout;
  /** One rules update at a time in this process. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly docker: Docker,
    readonly settings: NodeNetworkSettings,
  ) {}

  /**
   * Before a container joins the network: the network exists, its rules are in, these ports open.
   * The first call of a process checks the rules in line; after that a background check every
   * 10 s puts back what someone removed, so a node start costs no iptables call at all unless it
   * needs a port not opened yet (the window for a removed rule is the same 10 s either way).
   */
  async ensure(hostPorts: number[]): Promise<void> {
    if (!this.ready) {
      this.ready = this.createNetwork();
      this.ready.catch(() => (this.ready = undefined));
    }
    await this.ready;
    if (this.verifiedAt && hostPorts.every((p) => this.open.has(p))) return;
    await this.verify(hostPorts);
    if (!this.timer) {
      this.timer = setInterval(() => void this.verify([]).catch(() => (this.verifiedAt = 0)), VERIFY_EVERY_MS);
      this.timer.unref();
    }
  }

  private verify(hostPorts: number[]): Promise<void> {
    return this.serial(async () => {
      const missing = hostPorts.filter((p) => !this.open.has(p));
      if (missing.length || !(await this.jumpsPresent()) || !(await this.portsPresent(this.open))) await this.apply(hostPorts);
      this.verifiedAt = Date.now();
    });
  }

  /** Closes ports again (a test's throwaway servers); the rest of the rules stay as they are. */
  async revoke(hostPorts: number[]): Promise<void> {
    await this.serial(async () => {
      const listing = await run("iptables", ["-w", "-S", CHAIN.input]);
      if (!listing.ok) return;
      const keep = openPortsIn(listing.stdout).filter((p) => !hostPorts.includes(p));
      for (const p of hostPorts) this.open.delete(p);
      const restore = await run("iptables-restore", ["-w", "--noflush"], ruleset(this.settings, keep));
      if (!restore.ok) throw new NodeNetworkError(`cannot update the node network's firewall rules: ${restore.stderr.trim()}`);
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => {});
    return next;
  }

  private async createNetwork(): Promise<void> {
    const { name, bridge, subnet, gateway } = this.settings;
    const existing = await this.docker.getNetwork(name).inspect().catch((e: { statusCode?: number }) => {
      if (e.statusCode === 404) return null;
      throw e;
    });
    if (existing) return this.check(existing);
    try {
      await this.docker.createNetwork({
        Name: name,
        Driver: "bridge",
        CheckDuplicate: true,
        IPAM: { Driver: "default", Config: [{ Subnet: subnet, Gateway: gateway }] },
        Options: {
          "com.docker.network.bridge.name": bridge,
          // Nodes of different Kitchens never talk to each other.
          "com.docker.network.bridge.enable_icc": "false",
        },
        Labels: { "galley.managed": "true" },
      });
    } catch (err) {
      const e = err as { statusCode?: number; json?: { message?: string }; message: string };
      // Another process created it first.
      if (e.statusCode !== 409) throw new NodeNetworkError(`cannot create the node network ${name} (${subnet}): ${e.json?.message ?? e.message}`);
      return this.check(await this.docker.getNetwork(name).inspect());
    }
  }

  private check(info: { IPAM?: { Config?: { Subnet?: string }[] }; Options?: Record<string, string> }): void {
    const { name, bridge, subnet } = this.settings;
    const has = info.IPAM?.Config?.map((c) => c.Subnet) ?? [];
    const dev = info.Options?.["com.docker.network.bridge.name"];
    if (!has.includes(subnet) || dev !== bridge || info.Options?.["com.docker.network.bridge.enable_icc"] !== "false") {
      throw new NodeNetworkError(`Docker network ${name} exists but is not Galley's (subnet ${has.join(",") || "?"}, bridge ${dev ?? "?"}; expected ${subnet} on ${bridge} with inter-container traffic off): remove it with docker network rm ${name}, or set GALLEY_NODE_SUBNET`);
    }
  }

  private async jumpsPresent(): Promise<boolean> {
    for (const [table, chain, rule] of jumps(this.settings)) {
      if (!(await run("iptables", ["-w", "-t", table, "-C", chain, ...rule])).ok) return false;
    }
    return true;
  }

  private async portsPresent(ports: Set<number>): Promise<boolean> {
    if (!ports.size) return true;
    const listing = await run("iptables", ["-w", "-S", CHAIN.input]);
    const have = new Set(openPortsIn(listing.stdout));
    return [...ports].every((p) => have.has(p));
  }

  private async apply(hostPorts: number[], attempt = 1): Promise<void> {
    const listing = await run("iptables", ["-w", "-S", CHAIN.input]);
    const ports = [...new Set([...openPortsIn(listing.ok ? listing.stdout : ""), ...this.open, ...hostPorts])];
    const restore = await run("iptables-restore", ["-w", "--noflush"], ruleset(this.settings, ports));
    if (!restore.ok) throw new NodeNetworkError(`cannot install the node network's firewall rules (iptables-restore, needs root): ${restore.stderr.trim()}`);
    for (const [table, chain, rule] of jumps(this.settings)) {
      if ((await run("iptables", ["-w", "-t", table, "-C", chain, ...rule])).ok) continue;
      const ins = await run("iptables", ["-w", "-t", table, "-I", chain, "1", ...rule]);
      if (!ins.ok) throw new NodeNetworkError(`cannot add the jump to ${CHAIN.input} in ${table}/${chain}: ${ins.stderr.trim()}`);
    }
    // DNAT to 127.0.0.1 is only routed for packets arriving on an interface with route_localnet.
    // Whatever arrives there still passes the INPUT chain above: only the open ports.
    await writeFile(`/proc/sys/net/ipv4/conf/${this.settings.bridge}/route_localnet`, "1").catch((e: Error) => {
      throw new NodeNetworkError(`cannot enable route_localnet on ${this.settings.bridge}: ${e.message}`);
    });
    // A concurrent process may have rebuilt the chain from an older listing: check ours survived.
    if (!(await this.portsPresent(new Set(hostPorts)))) {
      if (attempt >= 5) throw new NodeNetworkError(`the node network's firewall rules keep changing under us (ports ${hostPorts.join(", ")})`);
      return this.apply(hostPorts, attempt + 1);
    }
    // Only the ports this process asked for: adopting other processes' ports would make this one
    // re-open, every 10 s, a port its owner had closed.
    for (const p of hostPorts) this.open.add(p);
  }
}
