import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import Docker from "dockerode";
import { beforeAll, describe, expect, it } from "vitest";
import { containerName } from "./docker-options";
import { DockerExecutor } from "./docker-executor";
import { buildRunnerImage, ensureDockerEngine, runCapture, testSpec } from "./testing/docker-engine";

const engine = ensureDockerEngine();
const docker = new Docker();
const executor = new DockerExecutor();

async function containersOf(runId: string) {
  return docker.listContainers({ all: true, filters: { label: [`galley.run=${runId}`] } });
}

/** Host processes whose command line is exactly `sleep <seconds>` (container processes show up on the host). */
function hostSleepers(seconds: string): number {
  try {
    return execFileSync("pgrep", ["-x", "-f", `sleep ${seconds}`]).toString().trim().split("\n").filter(Boolean).length;
  } catch {
    return 0; // pgrep exits 1 when nothing matches
  }
}

/** A labelled container as a dead worker would have left it. */
async function plantOrphan(runId: string, nodeId: string, attempt = 1) {
  const c = await docker.createContainer({
    name: containerName({ runId, nodeId, attempt }),
    Image: "galley-runner:latest",
    Cmd: ["sleep", "3600"],
    Labels: { "galley.managed": "true", "galley.run": runId, "galley.node": nodeId, "galley.attempt": String(attempt) },
    HostConfig: { NetworkMode: "none" },
  });
  await c.start();
  return c;
}

describe.skipIf(!engine.ok)("DockerExecutor limits", () => {
  beforeAll(() => buildRunnerImage());

  it("kills a node at its timeout and removes the container", async () => {
    const spec = testSpec({ command: ["sleep", "3600"], timeoutMs: 2_000 });
    const t0 = Date.now();
    const { result } = await runCapture(executor, spec);
    const elapsed = Date.now() - t0;
    expect(result).toMatchObject({ status: "timed_out", exitCode: null, error: "timed out after 2 s" });
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    // Killed at its timeout, not left to run: a correctness bound with room for a loaded machine.
    expect(elapsed).toBeLessThan(10_000);
    expect(await containersOf(spec.runId)).toHaveLength(0);
  });

  it("cancels before start without running anything", async () => {
    const ac = new AbortController();
    ac.abort();
    const spec = testSpec({ command: ["sleep", "3600"] });
    const { result } = await runCapture(executor, spec, { signal: ac.signal });
    expect(result.status).toBe("cancelled");
    expect(await containersOf(spec.runId)).toHaveLength(0);
  });

  it("cancels a running node within 5 s", async () => {
    const ac = new AbortController();
    const spec = testSpec({ command: ["sleep", "3600"] });
    let abortedAt = 0;
    const { result } = await runCapture(executor, spec, {
      signal: ac.signal,
      onStart: () => setTimeout(() => ((abortedAt = Date.now()), ac.abort()), 300),
    });
    expect(result.status).toBe("cancelled");
    expect(Date.now() - abortedAt).toBeLessThan(5_000);
    expect(await containersOf(spec.runId)).toHaveLength(0);
  });

  it("fails a node that allocates 512 MB under a 64 MiB limit as out of memory", async () => {
    const script = "const a = []; for (let i = 0; i < 64; i++) a.push(Buffer.alloc(8 * 1024 * 1024, 1)); console.log('survived')";
    const { result, stdout } = await runCapture(executor, testSpec({ command: ["node", "-e", script], memoryBytes: 64 * 1024 ** 2 }));
    expect(stdout).not.toContain("survived");
    expect(result).toMatchObject({ status: "failed", oomKilled: true, error: "out of memory (limit 64 MiB)" });
  });

  it("stops a fork loop at the pids limit; the host keeps no leftovers", async () => {
    const script = "i=0; while [ $i -lt 200 ]; do sleep 37 & i=$((i+1)); done; echo spawned-all";
    const { result, stdout, stderr } = await runCapture(executor, testSpec({ command: ["sh", "-c", script], pidsLimit: 32 }));
    expect(stdout).not.toContain("spawned-all");
    expect(result.status).toBe("failed");
    expect(stderr).toMatch(/can't fork|Resource temporarily unavailable/);
    expect(hostSleepers("37")).toBe(0);
  });

  it("killOrphans removes only the matching labelled containers", async () => {
    const runA = testSpec().runId;
    const runB = testSpec().runId;
    await plantOrphan(runA, "n1");
    await plantOrphan(runA, "n2");
    await plantOrphan(runB, "n1");
    expect(await executor.killOrphans({ runId: runA, nodeId: "n1" })).toBe(1);
    expect((await containersOf(runA)).map((c) => c.Labels["galley.node"])).toEqual(["n2"]);
    expect(await executor.killOrphans({ runId: runA })).toBe(1);
    expect(await containersOf(runA)).toHaveLength(0);
    expect(await containersOf(runB)).toHaveLength(1);
    expect(await executor.killOrphans({ runId: runB })).toBe(1);
  });

  it("a second worker's killOrphans ends a running node and its temp dir", async () => {
    const spec = testSpec({ command: ["sleep", "3600"], files: [{ path: "a.txt", content: "a" }] });
    let takeover: Promise<{ workspace: string; existed: boolean; killed: number }> | undefined;
    const { result } = await runCapture(executor, spec, {
      onStart: ({ containerId }) => {
        takeover = (async () => {
          const workspace = (await docker.getContainer(containerId!).inspect()).Config.Labels["galley.workspace"];
          const existed = existsSync(workspace);
          return { workspace, existed, killed: await new DockerExecutor().killOrphans({ runId: spec.runId }) };
        })();
      },
    });
    const { workspace, existed, killed } = await takeover!;
    expect(killed).toBe(1);
    expect(existed).toBe(true);
    expect(result).toMatchObject({ status: "failed", error: "container was removed while running (another worker took this node over)" });
    expect(existsSync(workspace)).toBe(false);
    expect(await containersOf(spec.runId)).toHaveLength(0);
  });

  it("replaces a stale container of the same attempt: never two per node", async () => {
    const spec = testSpec({ command: ["sh", "-c", "echo fresh"] });
    await plantOrphan(spec.runId, spec.nodeId, spec.attempt);
    const { result, stdout } = await runCapture(executor, spec);
    expect(result.status).toBe("succeeded");
    expect(stdout).toBe("fresh");
    expect(await containersOf(spec.runId)).toHaveLength(0);
  });

  it("ping answers", async () => {
    expect(await executor.ping()).toEqual({ ok: true });
    expect(await new DockerExecutor({ socketPath: "/nonexistent.sock" }).ping()).toMatchObject({ ok: false, reason: expect.stringContaining("Docker engine unavailable") });
  });

  it("throws unavailable when the engine cannot be reached", async () => {
    await expect(new DockerExecutor({ socketPath: "/nonexistent.sock" }).run(testSpec(), { onLog: () => {} })).rejects.toMatchObject({ code: "unavailable" });
  });
});
