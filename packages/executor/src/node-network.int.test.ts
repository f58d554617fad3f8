import { execFileSync } from "node:child_process";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerExecutor } from "./docker-executor";
import { nodeNetworkSettings } from "./node-network-rules";
import { buildRunnerImage, ensureDockerEngine, runCapture, testSpec } from "./testing/docker-engine";
import { hostAddresses, parseProbes, startTokenServer, TCP_PROBE_JS } from "./testing/tcp-probe";

const engine = ensureDockerEngine();
const executor = new DockerExecutor();
const net = nodeNetworkSettings();
let open: Awaited<ReturnType<typeof startTokenServer>>;
let closed: Awaited<ReturnType<typeof startTokenServer>>;

describe.skipIf(!engine.ok)("Galley's node network", () => {
  beforeAll(async () => {
    buildRunnerImage();
    open = await startTokenServer("OPENED-PORT-TOKEN");
    closed = await startTokenServer("HOST-SERVICE-TOKEN");
  });
  afterAll(async () => {
    await executor.network.revoke([open.port, closed.port]);
    await open?.close();
    await closed?.close();
  });

  it("reaches the host only on the ports opened for the node; every other host address and port is refused", async () => {
    const others = hostAddresses([net.gateway]);
    expect(others.length).toBeGreaterThan(0); // eth0, docker0: the host under other names
    const targets = [`${net.gateway}:${open.port}`, `${net.gateway}:${closed.port}`, `127.0.0.1:${open.port}`, ...others.flatMap((a) => [`${a}:${open.port}`, `${a}:${closed.port}`])];
    const { result, stdout } = await runCapture(executor, testSpec({ networkMode: "galley", hostPorts: [open.port], command: ["node", "-e", TCP_PROBE_JS, ...targets] }));
    expect(result.status, stdout).toBe("succeeded");
    const p = parseProbes(stdout);
    expect(p[`${net.gateway}:${open.port}`]).toBe("OPEN OPENED-PORT-TOKEN");
    expect(p[`${net.gateway}:${closed.port}`]).toMatch(/^(ECONNREFUSED|ECONNRESET)$/);
    expect(p[`127.0.0.1:${open.port}`]).toBe("ECONNREFUSED"); // the container's own loopback
    for (const a of others) {
      expect(p[`${a}:${open.port}`], a).toMatch(/^(ECONNREFUSED|ECONNRESET)$/);
      expect(p[`${a}:${closed.port}`], a).toMatch(/^(ECONNREFUSED|ECONNRESET)$/);
    }
    const inspect = await new Docker().getNetwork(net.name).inspect();
    expect(inspect.Options).toMatchObject({ "com.docker.network.bridge.name": "galley0", "com.docker.network.bridge.enable_icc": "false" });
  });

  it("keeps a port opened by another process, and restores rules someone removed (before a new worker's first node, and within 10 s in a running one)", async () => {
    const other = new DockerExecutor();
    await other.network.ensure([closed.port]); // as a second worker would, for another warehouse
    // A jump someone removed comes back before the next node. (The DOCKER-USER one: removing the
    // INPUT jump would open the host to other test files' nodes running right now.)
    execFileSync("iptables", ["-w", "-D", "DOCKER-USER", "-i", net.bridge, "-j", "GALLEY-NODES-FWD"]);
    const fresh = new DockerExecutor();
    const { stdout } = await runCapture(fresh, testSpec({ networkMode: "galley", hostPorts: [open.port], command: ["node", "-e", TCP_PROBE_JS, `${net.gateway}:${open.port}`, `${net.gateway}:${closed.port}`, `${hostAddresses([net.gateway])[0]}:${closed.port}`] }));
    const p = parseProbes(stdout);
    expect(p[`${net.gateway}:${open.port}`]).toBe("OPEN OPENED-PORT-TOKEN");
    expect(p[`${net.gateway}:${closed.port}`]).toBe("OPEN HOST-SERVICE-TOKEN"); // opened by `other`, kept
    expect(p[`${hostAddresses([net.gateway])[0]}:${closed.port}`]).toMatch(/^(ECONNREFUSED|ECONNRESET)$/);
    expect(execFileSync("iptables", ["-w", "-S", "DOCKER-USER"]).toString()).toContain(`-A DOCKER-USER -i ${net.bridge} -j GALLEY-NODES-FWD`);
    expect(execFileSync("iptables", ["-w", "-S", "INPUT"]).toString()).toContain(`-A INPUT -i ${net.bridge} -j GALLEY-NODES-IN`);
    // A running worker (here `executor`, in use since the first test) puts it back on its own.
    execFileSync("iptables", ["-w", "-D", "DOCKER-USER", "-i", net.bridge, "-j", "GALLEY-NODES-FWD"]);
    const deadline = Date.now() + 25_000;
    while (!execFileSync("iptables", ["-w", "-S", "DOCKER-USER"]).toString().includes("GALLEY-NODES-FWD") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(execFileSync("iptables", ["-w", "-S", "DOCKER-USER"]).toString()).toContain(`-A DOCKER-USER -i ${net.bridge} -j GALLEY-NODES-FWD`);
    await other.network.revoke([closed.port]); // its owner closes it; no other process re-opens it
    await new Promise((r) => setTimeout(r, 11_000)); // past every background check of this process
    const after = await runCapture(fresh, testSpec({ networkMode: "galley", command: ["node", "-e", TCP_PROBE_JS, `${net.gateway}:${closed.port}`] }));
    expect(parseProbes(after.stdout)[`${net.gateway}:${closed.port}`]).toMatch(/^(ECONNREFUSED|ECONNRESET)$/);
  });

  it("refuses the host network and other Docker networks before anything starts; none has no network", async () => {
    const host = await runCapture(executor, testSpec({ networkMode: "host", command: ["node", "-e", TCP_PROBE_JS, "127.0.0.1:5432"] }));
    expect(host.result).toMatchObject({ status: "failed", error: expect.stringMatching(/^network mode host is not allowed: .*loopback \(PostgreSQL, Redis, the web app\)/) });
    expect(host.stdout).toBe("");
    const bridge = await runCapture(executor, testSpec({ networkMode: "bridge", command: ["true"] }));
    expect(bridge.result).toMatchObject({ status: "failed", error: 'network mode "bridge" is not allowed (use galley or none)' });
    const none = await runCapture(executor, testSpec({ networkMode: "none", command: ["node", "-e", TCP_PROBE_JS, `${net.gateway}:${open.port}`, "127.0.0.1:5432"] }));
    expect(none.result.status).toBe("succeeded");
    expect(parseProbes(none.stdout)).toEqual({ [`${net.gateway}:${open.port}`]: expect.stringMatching(/^(ENETUNREACH|EHOSTUNREACH)$/), "127.0.0.1:5432": "ECONNREFUSED" });
  });
});
