import Docker from "dockerode";
import { RUNNER_IMAGE } from "./create-executor";
import type { Executor, NodeSpec } from "./types";

/** Timing helpers shared by bench/dispatch-docker.ts and the worker's dispatch benchmark. */

export function percentile(samples: readonly number[], p: number): number {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

export interface BenchOptions {
  iterations?: number;
  warmups?: number;
  image?: string;
}

/**
 * The engine's own floor: create + start + wait + remove of `true`, no hardening, network
 * none (like a default Galley node, so the two numbers compare). Returns one sample per run (ms).
 */
export async function measureEngineStart(opts: BenchOptions = {}): Promise<number[]> {
  const docker = new Docker();
  const { iterations = 30, warmups = 3, image = RUNNER_IMAGE } = opts;
  const samples: number[] = [];
  for (let i = 0; i < warmups + iterations; i++) {
    const t0 = performance.now();
    const c = await docker.createContainer({ Image: image, Cmd: ["true"], HostConfig: { NetworkMode: "none" } });
    await c.start();
    await c.wait();
    await c.remove({ force: true });
    if (i >= warmups) samples.push(performance.now() - t0);
  }
  return samples;
}

export interface RunSamples {
  /** run() called → container (or process) running: the executor's dispatch overhead. */
  startMs: number[];
  /** run() called → result returned, cleanup included. */
  runMs: number[];
}

/** Runs a no-op node end to end through an executor, sequentially. */
export async function measureExecutorRun(executor: Executor, opts: BenchOptions & { spec?: Partial<NodeSpec> } = {}): Promise<RunSamples> {
  const { iterations = 30, warmups = 3, image = RUNNER_IMAGE } = opts;
  const out: RunSamples = { startMs: [], runMs: [] };
  for (let i = 0; i < warmups + iterations; i++) {
    const spec: NodeSpec = { runId: `bench-${process.pid}`, nodeId: `noop_${i}`, attempt: 1, image, command: ["true"], env: {}, files: [], timeoutMs: 60_000, networkMode: "none", secrets: [], ...opts.spec };
    let startMs = NaN;
    const t0 = performance.now();
    const result = await executor.run(spec, { onLog: () => {}, onStart: () => (startMs = performance.now() - t0) });
    const runMs = performance.now() - t0;
    if (result.status !== "succeeded") throw new Error(`bench node failed: ${result.error}`);
    if (i >= warmups) {
      out.startMs.push(startMs);
      out.runMs.push(runMs);
    }
  }
  return out;
}
