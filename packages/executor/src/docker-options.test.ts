import { describe, expect, it } from "vitest";
import { containerName, containerOptions } from "./docker-options";
import { classify, formatBytes } from "./result";
import type { NodeSpec } from "./types";
import { safeRelativePath } from "./workspace";

const spec: NodeSpec = {
  runId: "run-1",
  nodeId: "load_orders",
  attempt: 2,
  image: "galley-runner:latest",
  command: ["node", "x.js"],
  env: { A: "1" },
  files: [],
  timeoutMs: 1000,
  networkMode: "none",
  secrets: [],
};
const ws = { root: "/tmp/galley-exec-x", work: "/tmp/galley-exec-x/work", files: "/tmp/galley-exec-x/files" };

describe("containerOptions", () => {
  it("hardens every container", () => {
    const o = containerOptions(spec, ws, "outputs.json");
    const h = o.HostConfig!;
    expect(h.Privileged).toBe(false);
    expect(h.CapDrop).toEqual(["ALL"]);
    expect(h.SecurityOpt).toEqual(["no-new-privileges"]);
    expect(h.ReadonlyRootfs).toBe(true);
    expect(o.User).toBe("10001:10001");
    expect(h.Memory).toBe(512 * 1024 ** 2);
    expect(h.MemorySwap).toBe(h.Memory);
    expect(h.NanoCpus).toBe(1e9);
    expect(h.PidsLimit).toBe(256);
    expect(h.Tmpfs!["/tmp"]).toContain("noexec");
    expect(JSON.stringify(o)).not.toContain("docker.sock");
    expect(h.Mounts!.map((m) => [m.Target, m.ReadOnly])).toEqual([["/galley/work", false], ["/galley/files", true]]);
    expect(o.Env).toContain("GALLEY_FILES=/galley/files");
    expect(o.Labels).toMatchObject({ "galley.managed": "true", "galley.run": "run-1", "galley.node": "load_orders", "galley.attempt": "2" });
  });

  it("puts a node on Galley's network or on none, never on the host's or another Docker network", () => {
    expect(containerOptions({ ...spec, networkMode: "galley" }, ws, "o.json").HostConfig!.NetworkMode).toBe("galley-nodes");
    expect(containerOptions({ ...spec, networkMode: "galley" }, ws, "o.json", { name: "other-name" }).HostConfig!.NetworkMode).toBe("other-name");
    expect(containerOptions(spec, ws, "o.json").HostConfig!.NetworkMode).toBe("none");
    expect(() => containerOptions({ ...spec, networkMode: "host" }, ws, "o.json")).toThrow(/network mode host is not allowed: .*loopback/);
    for (const mode of ["bridge", "galley-nodes", "container:abc", "default"]) {
      expect(() => containerOptions({ ...spec, networkMode: mode }, ws, "o.json")).toThrow(/is not allowed \(use galley or none\)/);
    }
    expect(() => containerOptions({ ...spec, networkMode: "galley", hostPorts: [0] }, ws, "o.json")).toThrow(/host port/);
  });

  it("refuses bad env names and bad limits", () => {
    expect(() => containerOptions({ ...spec, env: { "A=B": "x" } }, ws, "o.json")).toThrow(/environment variable name/);
    expect(() => containerOptions({ ...spec, memoryBytes: 1024 }, ws, "o.json")).toThrow(/at least 6 MiB/);
    expect(() => containerOptions({ ...spec, cpu: 0 }, ws, "o.json")).toThrow(/cpu/);
    expect(() => containerOptions({ ...spec, command: [] }, ws, "o.json")).toThrow(/command/);
    expect(() => containerOptions({ ...spec, timeoutMs: 0 }, ws, "o.json")).toThrow(/timeout/);
    expect(() => containerOptions({ ...spec, timeoutMs: 30 * 86_400_000 }, ws, "o.json")).toThrow(/timeout/);
  });

  it("names containers by attempt with only allowed characters", () => {
    expect(containerName({ runId: "a/b c", nodeId: "n", attempt: 3 })).toBe("galley-a_b_c-n-a3");
  });
});

describe("safeRelativePath", () => {
  it.each(["../x", "/etc/passwd", "a/../../b", "a\0b", "", "."])("rejects %j", (p) => {
    expect(() => safeRelativePath(p, "files")).toThrow(/relative path/);
  });
  it("normalises a harmless path", () => {
    expect(safeRelativePath("./a//b.sql", "files")).toBe("a/b.sql");
  });
});

describe("classify", () => {
  const base = { stopReason: null, exitCode: 0, oomKilled: false, timeoutMs: 2000, startedAt: 0, now: 5 } as const;
  it("puts our own kill before the exit code", () => {
    expect(classify({ ...base, stopReason: "timeout", exitCode: 137 })).toMatchObject({ status: "timed_out", error: "timed out after 2 s" });
    expect(classify({ ...base, stopReason: "cancel", exitCode: 137 }).status).toBe("cancelled");
  });
  it("names the memory limit on OOM", () => {
    expect(classify({ ...base, exitCode: 137, oomKilled: true, memoryBytes: 256 * 1024 ** 2 })).toMatchObject({ status: "failed", error: "out of memory (limit 256 MiB)" });
  });
  it("reports the exit code", () => {
    expect(classify({ ...base, exitCode: 3 })).toMatchObject({ status: "failed", error: "exited with code 3" });
    expect(classify(base)).toMatchObject({ status: "succeeded", durationMs: 5 });
  });
  it("formats sizes", () => {
    expect(formatBytes(64 * 1024 ** 2)).toBe("64 MiB");
    expect(formatBytes(1024 ** 3)).toBe("1 GiB");
  });
});
