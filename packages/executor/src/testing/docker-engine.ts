import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ExecResult, Executor, LogStream, NodeSpec, RunIo } from "../types";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

/**
 * Starts the Docker engine (scripts/ensure-docker.sh). Returns why it can't, so a test file can
 * skip loudly where the engine truly cannot start; under CI=true that is an error instead.
 */
export function ensureDockerEngine(): { ok: true } | { ok: false; reason: string } {
  try {
    execFileSync("bash", [path.join(REPO_ROOT, "scripts/ensure-docker.sh")], { stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
    return { ok: true };
  } catch (err) {
    const e = err as { status?: number; stderr?: Buffer };
    const reason = e.stderr?.toString().trim() || String(err);
    if (e.status !== 3 || process.env.CI === "true") throw new Error(`scripts/ensure-docker.sh failed: ${reason}`);
    console.warn(`\n*** SKIPPING Docker executor tests: ${reason} ***\n`);
    return { ok: false, reason };
  }
}

/** Builds galley-runner:latest (a no-op when it is up to date). */
export function buildRunnerImage(): void {
  execFileSync("bash", [path.join(REPO_ROOT, "docker/runner/build.sh")], { stdio: ["ignore", "pipe", "inherit"], timeout: 300_000 });
}

let seq = 0;
export function testSpec(overrides: Partial<NodeSpec> = {}): NodeSpec {
  return {
    runId: `t${process.pid}-${Date.now().toString(36)}-${seq++}`,
    nodeId: "node_a",
    attempt: 1,
    image: "galley-runner:latest",
    command: ["true"],
    env: {},
    files: [],
    timeoutMs: 30_000,
    networkMode: "none",
    secrets: [],
    ...overrides,
  };
}

export interface Captured {
  result: ExecResult;
  lines: { stream: LogStream; line: string }[];
  stdout: string;
  stderr: string;
  all: string;
}

export async function runCapture(executor: Executor, spec: NodeSpec, io: Partial<RunIo> = {}): Promise<Captured> {
  const lines: Captured["lines"] = [];
  const result = await executor.run(spec, { ...io, onLog: (stream, line) => lines.push({ stream, line }) });
  const pick = (s: LogStream) => lines.filter((l) => l.stream === s).map((l) => l.line).join("\n");
  return { result, lines, stdout: pick("stdout"), stderr: pick("stderr"), all: lines.map((l) => l.line).join("\n") };
}
