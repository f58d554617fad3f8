import { AppError } from "@galley/core";

/**
 * The network container nodes run on: a Docker bridge Galley creates, with its own firewall
 * rules. Pure settings and rule text here; node-network.ts applies them.
 *
 * Why not the host network: a node there reaches every loopback service (PostgreSQL with trust,
 * Redis, the web app). Why not Docker's default bridge: the host answers on 172.17.0.1 for every
 * service listening on all interfaces (the web app) and nothing filters it.
 */
export interface NodeNetworkSettings {
  /** Docker network name (what containers join). */
  name: string;
  /** Linux bridge device, fixed so firewall rules can name it (`-i galley0`). */
  bridge: string;
  /** IPv4 subnet /8../29; the gateway is its first address and is the host as nodes see it. */
  subnet: string;
  gateway: string;
}

export const DEFAULT_NODE_SUBNET = "172.29.213.0/24";
export const NODE_NETWORK_NAME = "galley-nodes";
export const NODE_BRIDGE = "galley0";
/** Chains Galley owns (rebuilt atomically with iptables-restore; Docker never touches them). */
export const CHAIN = { input: "GALLEY-NODES-IN", dnat: "GALLEY-NODES-DNAT", forward: "GALLEY-NODES-FWD" } as const;

/** Network modes a node may use. `host` and every other Docker network are refused. */
export const NODE_NETWORK_MODES = ["galley", "none"] as const;
export type NodeNetworkMode = (typeof NODE_NETWORK_MODES)[number];

/**
 * Refuses anything but `galley` (Galley's isolated bridge, the default) and `none`. `host` gets
 * its own message because it used to be the default and is what people will try.
 */
export function checkNetworkMode(mode: string, field = "networkMode"): NodeNetworkMode {
  if (mode === "host") {
    throw new AppError("invalid_input", "network mode host is not allowed: a node on the host network reaches every service on the host's loopback (PostgreSQL, Redis, the web app); use galley (the default: the warehouse only) or none", { field });
  }
  if (!(NODE_NETWORK_MODES as readonly string[]).includes(mode)) {
    throw new AppError("invalid_input", `network mode ${JSON.stringify(mode)} is not allowed (use galley or none)`, { field });
  }
  return mode as NodeNetworkMode;
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
}
function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/** Settings for a subnet like `172.29.213.0/24` (from GALLEY_NODE_SUBNET); gateway = first address. */
export function nodeNetworkSettings(subnet: string = DEFAULT_NODE_SUBNET): NodeNetworkSettings {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(subnet);
  const bad = () => new AppError("invalid_input", `node subnet ${JSON.stringify(subnet)} must be an IPv4 network like ${DEFAULT_NODE_SUBNET} (prefix 8 to 29)`, { field: "GALLEY_NODE_SUBNET" });
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255)) throw bad();
  const prefix = Number(m[5]);
  if (prefix < 8 || prefix > 29) throw bad();
  const base = ipToInt(m.slice(1, 5).join("."));
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) throw bad();
  return { name: NODE_NETWORK_NAME, bridge: NODE_BRIDGE, subnet, gateway: intToIp(base + 1) };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host.trim());
}

/**
 * How a node reaches a service (its warehouse) at host:port. On the Galley network a loopback
 * address means "this machine", which the node sees at the gateway; that port is then opened
 * for nodes (and only that port). Other hosts are left as they are.
 */
export function addressForNode(target: { host: string; port: number }, mode: string, net: NodeNetworkSettings): { host: string; port: number; hostPorts: number[] } {
  if (mode === "galley" && isLoopbackHost(target.host)) return { host: net.gateway, port: target.port, hostPorts: [target.port] };
  return { host: target.host, port: target.port, hostPorts: [] };
}

export function checkPort(port: number): number {
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) throw new AppError("invalid_input", `host port must be 1..65535, got ${port}`, { field: "hostPorts" });
  return port;
}

/**
 * iptables-restore input (used with --noflush): declaring a chain flushes and refills it in one
 * transaction, so there is never a moment with the chain half-built.
 * - nat: gateway:P → 127.0.0.1:P for each open port. The warehouse keeps listening on loopback
 *   only (no PostgreSQL restart, no bind-order problem when the bridge appears after PostgreSQL),
 *   and it sees the container's own address, so pg_hba's line for the node subnet applies
 *   (scram-sha-256; never the 127.0.0.1 trust line). Needs route_localnet on the bridge.
 * - filter INPUT (traffic from the bridge to the host itself; DOCKER-USER only sees forwarded
 *   traffic): replies, then the open ports (as DNATed), then reject everything else (a reset: callers fail
 *   fast instead of waiting for a timeout).
 * - filter FORWARD via DOCKER-USER: nodes never reach link-local addresses (cloud metadata).
 */
export function ruleset(net: NodeNetworkSettings, hostPorts: number[]): string {
  const ports = [...new Set(hostPorts.map(checkPort))].sort((a, b) => a - b);
  return [
    "*nat",
    `:${CHAIN.dnat} - [0:0]`,
    ...ports.map((p) => `-A ${CHAIN.dnat} -d ${net.gateway}/32 -p tcp -m tcp --dport ${p} -j DNAT --to-destination 127.0.0.1:${p}`),
    "COMMIT",
    "*filter",
    `:${CHAIN.input} - [0:0]`,
    `-A ${CHAIN.input} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    // Only what the DNAT above rewrote arrives for 127.0.0.1: the same port on another address
    // of the host (eth0, docker0) stays closed.
    ...ports.map((p) => `-A ${CHAIN.input} -d 127.0.0.1/32 -p tcp -m tcp --dport ${p} -j ACCEPT`),
    `-A ${CHAIN.input} -p tcp -j REJECT --reject-with tcp-reset`,
    `-A ${CHAIN.input} -j REJECT --reject-with icmp-port-unreachable`,
    `:${CHAIN.forward} - [0:0]`,
    `-A ${CHAIN.forward} -d 169.254.0.0/16 -j REJECT --reject-with icmp-net-prohibited`,
    "COMMIT",
    "",
  ].join("\n");
}

/** The jumps into our chains: [table, chain, rule args]. Checked with -C, inserted first with -I. */
export function jumps(net: NodeNetworkSettings): [string, string, string[]][] {
  return [
    ["filter", "INPUT", ["-i", net.bridge, "-j", CHAIN.input]],
    ["nat", "PREROUTING", ["-i", net.bridge, "-j", CHAIN.dnat]],
    ["filter", "DOCKER-USER", ["-i", net.bridge, "-j", CHAIN.forward]],
  ];
}

/** Ports currently open in our INPUT chain (from `iptables -S`), so other processes' ports are kept. */
export function openPortsIn(listing: string): number[] {
  const out: number[] = [];
  for (const m of listing.matchAll(new RegExp(`^-A ${CHAIN.input} -d 127\\.0\\.0\\.1/32 -p tcp -m tcp --dport (\\d+) -j ACCEPT$`, "gm"))) out.push(Number(m[1]));
  return out;
}
