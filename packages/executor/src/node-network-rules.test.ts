import { describe, expect, it } from "vitest";
import { addressForNode, checkNetworkMode, DEFAULT_NODE_SUBNET, isLoopbackHost, jumps, nodeNetworkSettings, openPortsIn, ruleset } from "./node-network-rules";

const net = nodeNetworkSettings();

describe("node network settings", () => {
  it("derives the gateway from the subnet and refuses malformed subnets", () => {
    expect(net).toEqual({ name: "galley-nodes", bridge: "galley0", subnet: DEFAULT_NODE_SUBNET, gateway: "172.29.213.1" });
    expect(nodeNetworkSettings("10.9.0.0/16").gateway).toBe("10.9.0.1");
    for (const bad of ["10.9.0.1/16", "10.9.0.0", "300.1.1.0/24", "10.0.0.0/30", "10.0.0.0/4", "x"]) {
      expect(() => nodeNetworkSettings(bad), bad).toThrow(/GALLEY_NODE_SUBNET|IPv4 network/);
    }
  });

  it("accepts galley and none; refuses host with the reason, and every other network", () => {
    expect(checkNetworkMode("galley")).toBe("galley");
    expect(checkNetworkMode("none")).toBe("none");
    expect(() => checkNetworkMode("host")).toThrow("network mode host is not allowed: a node on the host network reaches every service on the host's loopback (PostgreSQL, Redis, the web app); use galley (the default: the warehouse only) or none");
    expect(() => checkNetworkMode("bridge")).toThrow('network mode "bridge" is not allowed (use galley or none)');
  });

  it("sends a node to the gateway for a warehouse on this machine, and nowhere else", () => {
    for (const h of ["127.0.0.1", "localhost", "127.1.2.3", "::1", "LOCALHOST"]) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["10.0.0.5", "db.example.com", "127.0.0.1.example.com", "0.0.0.0"]) expect(isLoopbackHost(h), h).toBe(false);
    expect(addressForNode({ host: "127.0.0.1", port: 5433 }, "galley", net)).toEqual({ host: "172.29.213.1", port: 5433, hostPorts: [5433] });
    expect(addressForNode({ host: "db.internal", port: 5432 }, "galley", net)).toEqual({ host: "db.internal", port: 5432, hostPorts: [] });
    expect(addressForNode({ host: "127.0.0.1", port: 5432 }, "none", net)).toEqual({ host: "127.0.0.1", port: 5432, hostPorts: [] });
  });
});

describe("firewall rules", () => {
  it("opens only the given ports to the host, DNATs them to loopback and rejects the rest", () => {
    const text = ruleset(net, [5432, 5432, 6000]);
    expect(text.split("\n")).toEqual([
      "*nat",
      ":GALLEY-NODES-DNAT - [0:0]",
      "-A GALLEY-NODES-DNAT -d 172.29.213.1/32 -p tcp -m tcp --dport 5432 -j DNAT --to-destination 127.0.0.1:5432",
      "-A GALLEY-NODES-DNAT -d 172.29.213.1/32 -p tcp -m tcp --dport 6000 -j DNAT --to-destination 127.0.0.1:6000",
      "COMMIT",
      "*filter",
      ":GALLEY-NODES-IN - [0:0]",
      "-A GALLEY-NODES-IN -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
      "-A GALLEY-NODES-IN -d 127.0.0.1/32 -p tcp -m tcp --dport 5432 -j ACCEPT",
      "-A GALLEY-NODES-IN -d 127.0.0.1/32 -p tcp -m tcp --dport 6000 -j ACCEPT",
      "-A GALLEY-NODES-IN -p tcp -j REJECT --reject-with tcp-reset",
      "-A GALLEY-NODES-IN -j REJECT --reject-with icmp-port-unreachable",
      ":GALLEY-NODES-FWD - [0:0]",
      "-A GALLEY-NODES-FWD -d 169.254.0.0/16 -j REJECT --reject-with icmp-net-prohibited",
      "COMMIT",
      "",
    ]);
    expect(ruleset(net, [])).not.toMatch(/ACCEPT\n-A GALLEY-NODES-IN -p tcp -m tcp/);
    expect(() => ruleset(net, [70000])).toThrow(/host port/);
  });

  it("jumps from INPUT (bridge to host), nat PREROUTING and DOCKER-USER, only for the bridge", () => {
    expect(jumps(net)).toEqual([
      ["filter", "INPUT", ["-i", "galley0", "-j", "GALLEY-NODES-IN"]],
      ["nat", "PREROUTING", ["-i", "galley0", "-j", "GALLEY-NODES-DNAT"]],
      ["filter", "DOCKER-USER", ["-i", "galley0", "-j", "GALLEY-NODES-FWD"]],
    ]);
  });

  it("reads back the ports open in a chain listing", () => {
    const listing = ["-N GALLEY-NODES-IN", "-A GALLEY-NODES-IN -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", "-A GALLEY-NODES-IN -d 127.0.0.1/32 -p tcp -m tcp --dport 5432 -j ACCEPT", "-A GALLEY-NODES-IN -p tcp -m tcp --dport 6543 -j ACCEPT", "-A GALLEY-NODES-IN -d 127.0.0.1/32 -p tcp -m tcp --dport 15432 -j ACCEPT", "-A GALLEY-NODES-IN -p tcp -j REJECT --reject-with tcp-reset"].join("\n");
    expect(openPortsIn(listing)).toEqual([5432, 15432]);
    expect(openPortsIn(ruleset(net, [7, 8]).replace(/^:.*$/gm, ""))).toEqual([7, 8]);
  });
});
