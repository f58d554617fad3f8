import net from "node:net";
import { execFileSync } from "node:child_process";

/**
 * Node script run inside a container: connects to each `host:port` argument and prints one line
 * `PROBE host:port <outcome>`: `OPEN <first bytes>` when a server answered, otherwise the error code
 * (ECONNREFUSED, ECONNRESET, EHOSTUNREACH, TIMEOUT…). Always exits 0: the test reads the lines.
 */
export const TCP_PROBE_JS = `
const net = require("net");
const targets = process.argv.slice(1);
let left = targets.length;
for (const t of targets) {
  const i = t.lastIndexOf(":");
  const s = net.connect({ host: t.slice(0, i), port: Number(t.slice(i + 1)) });
  let done = false, got = "";
  const end = (r) => { if (done) return; done = true; s.destroy(); console.log("PROBE " + t + " " + r); if (--left === 0) process.exit(0); };
  s.setTimeout(3000, () => end(got ? "OPEN " + got : "TIMEOUT"));
  s.on("connect", () => s.write("PING\\r\\n"));
  s.on("data", (d) => { got += String(d).replace(/\\s+/g, " ").trim(); if (got.length > 0) end("OPEN " + got.slice(0, 60)); });
  s.on("error", (e) => end(e.code || e.message));
  s.on("close", () => end(got ? "OPEN " + got : "CLOSED"));
}
`;

export function parseProbes(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of stdout.matchAll(/^PROBE (\S+) (.*)$/gm)) out[m[1]] = m[2];
  return out;
}

/** A TCP server on every interface of this host that greets with `token` (stands in for any host service). */
export async function startTokenServer(token: string, port = 0): Promise<{ port: number; connections(): number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((c) => {
    connections++;
    sockets.add(c);
    c.on("close", () => sockets.delete(c));
    c.on("error", () => {});
    c.end(`${token}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "0.0.0.0", () => resolve());
  });
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections, close: () => new Promise((r) => {
    for (const s of sockets) s.destroy();
    server.close(() => r());
  }) };
}

/**
 * This host's own non-loopback IPv4 addresses other than `except` (eth0, docker0…). From `ip`, not
 * os.networkInterfaces(), which leaves out interfaces without carrier (docker0 with no container).
 */
export function hostAddresses(except: string[] = []): string[] {
  const out = execFileSync("ip", ["-4", "-o", "addr", "show"]).toString();
  return [...out.matchAll(/ inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]).filter((a) => !a.startsWith("127.") && !except.includes(a));
}
