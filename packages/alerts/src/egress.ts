// Where alert webhooks may be delivered. A route's URL is chosen by a Kitchen's staff, and the
// worker posts to it from inside the deployment: without a rule, a developer could aim a route at
// Redis, the metadata service or an internal admin API and have Galley call it. Private, loopback,
// link-local and other special addresses are refused unless an operator allows them by name
// (GALLEY_ALERT_ALLOW_HOSTS). The check runs on every address a name resolves to, at connect time
// (so a name that later resolves elsewhere — DNS rebinding — is checked again).
import { BlockList, isIP } from "node:net";

export interface AllowRule {
  /** A host name as written in the URL, or an address; absent when the rule is a subnet. */
  host?: string;
  subnet?: BlockList;
  port?: number;
  text: string;
}

export interface EgressPolicy {
  allow: AllowRule[];
}

const SPECIAL: { net: string; prefix: number; family: "ipv4" | "ipv6"; what: string }[] = [
  { net: "0.0.0.0", prefix: 8, family: "ipv4", what: "an unspecified address" },
  { net: "10.0.0.0", prefix: 8, family: "ipv4", what: "a private address" },
  { net: "100.64.0.0", prefix: 10, family: "ipv4", what: "a carrier-grade NAT address" },
  { net: "127.0.0.0", prefix: 8, family: "ipv4", what: "a loopback address" },
  { net: "169.254.0.0", prefix: 16, family: "ipv4", what: "a link-local address (cloud metadata lives there)" },
  { net: "172.16.0.0", prefix: 12, family: "ipv4", what: "a private address" },
  { net: "192.0.0.0", prefix: 24, family: "ipv4", what: "a reserved address" },
  { net: "192.168.0.0", prefix: 16, family: "ipv4", what: "a private address" },
  { net: "198.18.0.0", prefix: 15, family: "ipv4", what: "a benchmarking address" },
  { net: "224.0.0.0", prefix: 3, family: "ipv4", what: "a multicast or reserved address" },
  { net: "::", prefix: 127, family: "ipv6", what: "a loopback or unspecified address" },
  { net: "fc00::", prefix: 7, family: "ipv6", what: "a private address" },
  { net: "fe80::", prefix: 10, family: "ipv6", what: "a link-local address" },
  { net: "ff00::", prefix: 8, family: "ipv6", what: "a multicast address" },
];

const LISTS = SPECIAL.map((s) => {
  const list = new BlockList();
  list.addSubnet(s.net, s.prefix, s.family);
  return { list, family: s.family, what: s.what };
});

/** `GALLEY_ALERT_ALLOW_HOSTS`: comma-separated `host`, `host:port`, `address`, `address:port` or `subnet/prefix`. */
export function egressPolicy(spec: string | undefined): EgressPolicy {
  const allow: AllowRule[] = [];
  for (const raw of (spec ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const slash = raw.indexOf("/");
    if (slash > 0) {
      const net = raw.slice(0, slash);
      const prefix = Number(raw.slice(slash + 1));
      const family = isIP(net);
      if (!family || !Number.isInteger(prefix)) throw new Error(`GALLEY_ALERT_ALLOW_HOSTS: "${raw}" is not a subnet (address/prefix)`);
      const subnet = new BlockList();
      subnet.addSubnet(net, prefix, family === 4 ? "ipv4" : "ipv6");
      allow.push({ subnet, text: raw });
      continue;
    }
    if (isIP(raw)) {
      allow.push({ host: raw.toLowerCase(), text: raw });
      continue;
    }
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(raw);
    if (!m) throw new Error(`GALLEY_ALERT_ALLOW_HOSTS: "${raw}" is not a host, host:port or subnet`);
    allow.push({ host: m[1].replace(/^\[|\]$/g, "").toLowerCase(), port: m[2] ? Number(m[2]) : undefined, text: raw });
  }
  return { allow };
}

function unmapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1] : address;
}

/** What is special about an address, or null for an ordinary public one. */
export function specialAddress(address: string): string | null {
  const a = unmapped(address);
  const family = isIP(a);
  if (!family) return null;
  const hit = LISTS.find((l) => (l.family === "ipv4") === (family === 4) && l.list.check(a, l.family));
  return hit ? hit.what : null;
}

/**
 * Why a delivery to `hostname:port` (resolved to `address`) is refused, or null when it may go.
 * An allow rule matches the URL's host name or the address (exactly or by subnet), and its port when it names one.
 */
export function egressRefusal(policy: EgressPolicy, hostname: string, port: number, address: string): string | null {
  const what = specialAddress(address);
  if (!what) return null;
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const a = unmapped(address);
  const family = isIP(a) === 4 ? "ipv4" : "ipv6";
  const allowed = policy.allow.some((r) => {
    if (r.port !== undefined && r.port !== port) return false;
    if (r.subnet) return r.subnet.check(a, family);
    return r.host === host || r.host === a.toLowerCase();
  });
  if (allowed) return null;
  return `${host === a ? a : `${host} (${a})`} is ${what}: alerts are not delivered there unless an administrator allows it (GALLEY_ALERT_ALLOW_HOSTS)`;
}

/** The URL's port, as the request will use it. */
export function urlPort(u: URL): number {
  return u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
}

/** Checked where a route is saved: a URL whose host is a literal special address (or localhost) is refused at once. */
export function literalEgressRefusal(policy: EgressPolicy, url: string): string | null {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const address = host.toLowerCase() === "localhost" || host.toLowerCase().endsWith(".localhost") ? "127.0.0.1" : host;
  if (!isIP(address)) return null; // names are checked at delivery, on every address they resolve to
  return egressRefusal(policy, u.hostname, urlPort(u), address);
}
