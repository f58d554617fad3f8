import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { AppError, redactText } from "@galley/core";
import { checkSpec, galleyEnv } from "./docker-options";
import { LocalRegistry, processStartTime } from "./local-registry";
import { LogPump } from "./log-lines";
import { classify, type StopReason } from "./result";
import type { ExecResult, Executor, NodeSpec, OrphanFilter, RunIo } from "./types";
import { createWorkspace, DEFAULT_OUTPUTS_FILE, readOutputs, removeWorkspace, safeRelativePath, WORKSPACE_PREFIX, type Workspace } from "./workspace";

export interface LocalExecutorOptions {
  /** Where node temp dirs go. Default os.tmpdir(). */
  tmpDir?: string;
  /** PATH given to nodes (the only variable besides the spec's env and GALLEY_*). */
  path?: string;
  /** Where the pid records for killOrphans live. Default <tmpDir>/galley-local-exec. */
  stateDir?: string;
  maxLogChars?: number;
}

const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
/** After the process exits, how long its pipes may stay open before we stop reading them. */
const STREAM_DRAIN_MS = 2_000;

/**
 * Runs a node as a plain child process: argv array (never a shell), its own process group,
 * an environment of only the spec's variables, PATH and GALLEY_*. No isolation and no memory,
 * CPU or pid limits: opt-in for machines without Docker (GALLEY_EXECUTOR=local).
 */
export class LocalExecutor implements Executor {
  readonly kind = "local" as const;
  private readonly tmpDir: string;
  private readonly registry: LocalRegistry;

  constructor(private readonly options: LocalExecutorOptions = {}) {
    this.tmpDir = options.tmpDir ?? os.tmpdir();
    this.registry = new LocalRegistry(options.stateDir ?? path.join(this.tmpDir, "galley-local-exec"));
  }

  async run(spec: NodeSpec, io: RunIo): Promise<ExecResult> {
    const startedAt = Date.now();
    const fail = (error: string): ExecResult => ({ exitCode: null, status: "failed", oomKilled: false, outputs: {}, error: redactText(error, spec.secrets), durationMs: Date.now() - startedAt });
    if (io.signal?.aborted) return { ...fail("cancelled"), status: "cancelled" };
    let ws: Workspace | undefined;
    try {
      const outputsFile = safeRelativePath(spec.outputsFile ?? DEFAULT_OUTPUTS_FILE, "outputsFile");
      checkSpec(spec);
      ws = await createWorkspace(this.tmpDir, spec.files);
      const env: Record<string, string> = { PATH: this.options.path ?? DEFAULT_PATH, ...spec.env, ...galleyEnv(ws, outputsFile, spec) };
      // Cast: Next's global types make NODE_ENV a required ProcessEnv key when the web app type-checks this file.
      const child = spawn(spec.command[0], spec.command.slice(1), { cwd: ws.work, env: env as NodeJS.ProcessEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
      return await this.supervise(child, spec, io, { startedAt, ws, outputsFile });
    } catch (err) {
      if (err instanceof AppError && err.code === "invalid_input") return fail(err.message);
      throw err;
    } finally {
      if (ws) await removeWorkspace(ws);
    }
  }

  private async supervise(child: ChildProcess, spec: NodeSpec, io: RunIo, ctx: { startedAt: number; ws: Workspace; outputsFile: string }): Promise<ExecResult> {
    const pump = new LogPump(spec.secrets, io.onLog, this.options.maxLogChars);
    child.stdout!.on("data", (c: Buffer) => pump.push("stdout", c));
    child.stderr!.on("data", (c: Buffer) => pump.push("stderr", c));
    const spawned = new Promise<Error | null>((resolve) => {
      child.once("spawn", () => resolve(null));
      child.once("error", (err) => resolve(err));
    });
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      // Like a container whose PID 1 ends: whatever it left in its group dies with it.
      child.once("exit", () => {
        killGroup(child.pid);
        // A grandchild that left the group (setsid) may keep the pipes open: stop waiting for it.
        setTimeout(() => (child.stdout?.destroy(), child.stderr?.destroy()), STREAM_DRAIN_MS).unref();
      });
      child.once("close", (code, signal) => resolve({ code, signal }));
    });
    const spawnError = await spawned;
    if (spawnError) {
      const code = (spawnError as NodeJS.ErrnoException).code;
      const error = code === "ENOENT" ? `command not found: ${spec.command[0]}` : `cannot start ${spec.command[0]}: ${spawnError.message}`;
      return { exitCode: null, status: "failed", oomKilled: false, outputs: {}, error: redactText(error, spec.secrets), durationMs: Date.now() - ctx.startedAt };
    }
    const pid = child.pid!;
    const startTime = (await processStartTime(pid)) ?? "";
    await this.registry.add({ pid, startTime, runId: spec.runId, nodeId: spec.nodeId, attempt: spec.attempt, workspace: ctx.ws.root });
    let stopReason: StopReason = null;
    const stop = (reason: Exclude<StopReason, null>) => {
      if (stopReason) return;
      stopReason = reason;
      killGroup(pid);
    };
    const onAbort = () => stop("cancel");
    io.signal?.addEventListener("abort", onAbort, { once: true });
    if (io.signal?.aborted) stop("cancel");
    io.onStart?.({ pid, startMs: Date.now() - ctx.startedAt });
    const timer = setTimeout(() => stop("timeout"), spec.timeoutMs);
    try {
      const exit = await closed;
      pump.end();
      const base = classify({ stopReason, exitCode: exit.code, signal: exit.signal, oomKilled: false, timeoutMs: spec.timeoutMs, startedAt: ctx.startedAt, now: Date.now() });
      if (stopReason) return { ...base, exitCode: null, outputs: {} };
      if (base.status !== "succeeded") return { ...base, outputs: {} };
      const read = await readOutputs(ctx.ws.work, ctx.outputsFile, spec.secrets);
      if (!read.ok) return { ...base, status: "failed", error: read.error, outputs: {} };
      return { ...base, outputs: read.outputs };
    } finally {
      clearTimeout(timer);
      io.signal?.removeEventListener("abort", onAbort);
      await this.registry.remove(pid);
    }
  }

  async killOrphans(filter: OrphanFilter = {}): Promise<number> {
    let killed = 0;
    for (const r of await this.registry.list()) {
      if (filter.runId && r.runId !== filter.runId) continue;
      if (filter.nodeId && r.nodeId !== filter.nodeId) continue;
      // A pid whose start time changed belongs to some other process now: leave it alone.
      if ((await processStartTime(r.pid)) === r.startTime) {
        killGroup(r.pid);
        killed++;
      }
      await this.registry.remove(r.pid);
      if (path.dirname(r.workspace) === this.tmpDir && path.basename(r.workspace).startsWith(WORKSPACE_PREFIX)) await removeWorkspace({ root: r.workspace });
    }
    return killed;
  }

  async ping(): Promise<{ ok: boolean; reason?: string }> {
    return { ok: true };
  }
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL"); // detached: the child leads its own group
  } catch {
    /* ESRCH: the group is already gone */
  }
}
