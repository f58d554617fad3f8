import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { AppError, redactText } from "@galley/core";
import { checkLimits, checkSpec, containerName, containerOptions, LABEL, RUNNER_UID } from "./docker-options";
import { NodeNetwork, NodeNetworkError } from "./node-network";
import { nodeNetworkSettings } from "./node-network-rules";
import { FrameDemuxer, LogPump, skipSaved } from "./log-lines";
import { classify, type StopReason } from "./result";
import type { ExecResult, Executor, NodeSpec, OrphanFilter, RunIo } from "./types";
import { createWorkspace, DEFAULT_OUTPUTS_FILE, readOutputs, removeWorkspace, safeRelativePath, WORKSPACE_PREFIX, type Workspace } from "./workspace";

export interface DockerExecutorOptions {
  /** Default /var/run/docker.sock. */
  socketPath?: string;
  /** Where node temp dirs go; must be on the host the engine runs on. Default os.tmpdir(). */
  tmpDir?: string;
  /** Cap on log characters per node before a truncation marker. */
  maxLogChars?: number;
  /** Subnet of Galley's node network (GALLEY_NODE_SUBNET); default 172.29.213.0/24. */
  nodeSubnet?: string;
}

/** After the container exits, how long the attach stream may take to deliver its last bytes. */
const STREAM_DRAIN_MS = 2_000;
const PING_TIMEOUT_MS = 3_000;
const KILL_BACKSTOP_MS = 4_000;
/** How long (checks × interval) a container killed from outside waits to see whether the engine goes away. */
const ENGINE_GONE_CHECKS = 10;
const ENGINE_GONE_INTERVAL_MS = 300;

/** killOrphans elsewhere may remove our container mid-run: a 404 then means "gone", not "engine broken". */
function ignoreGone(err: DockerError): null {
  if (err.statusCode === 404) return null;
  throw err;
}

/** A failure of the node itself (reported as a `failed` result, never thrown to the caller). */
class NodeFailure extends Error {}

function nodeNetworkFailure(err: unknown): never {
  if (err instanceof NodeNetworkError) throw new NodeFailure(err.message);
  throw err; // engine unreachable: retried like any other engine failure
}

/** A container of the same attempt a dead worker started, to be waited for instead of started again. */
type LeftBehind = { container: Docker.Container; ws: Workspace; adopted: true };

type DockerError = Error & { statusCode?: number; code?: string; json?: { message?: string } };

function engineUnavailable(err: DockerError): AppError | null {
  if (err.code && ["ECONNREFUSED", "ENOENT", "EACCES", "ECONNRESET", "EPIPE"].includes(err.code)) {
    return new AppError("unavailable", `Docker engine unavailable (${err.code}): start it with scripts/ensure-docker.sh`, { cause: err });
  }
  return null;
}

function daemonMessage(err: DockerError): string {
  return (err.json?.message ?? err.message).trim();
}

/** Runs each node in a fresh, hardened container; see docker-options.ts for the hardening. */
export class DockerExecutor implements Executor {
  readonly kind = "docker" as const;
  private readonly docker: Docker;
  private readonly tmpDir: string;
  readonly network: NodeNetwork;

  constructor(private readonly options: DockerExecutorOptions = {}) {
    this.docker = new Docker({ socketPath: options.socketPath ?? "/var/run/docker.sock" });
    this.tmpDir = options.tmpDir ?? os.tmpdir();
    this.network = new NodeNetwork(this.docker, nodeNetworkSettings(options.nodeSubnet));
  }

  async run(spec: NodeSpec, io: RunIo): Promise<ExecResult> {
    const startedAt = Date.now();
    const fail = (error: string): ExecResult => ({ exitCode: null, status: "failed", oomKilled: false, outputs: {}, error: redactText(error, spec.secrets), durationMs: Date.now() - startedAt });
    if (io.signal?.aborted) return { ...fail("cancelled"), status: "cancelled" };
    let ws: Workspace | undefined;
    let container: Docker.Container | undefined;
    try {
      const outputsFile = safeRelativePath(spec.outputsFile ?? DEFAULT_OUTPUTS_FILE, "outputsFile");
      checkSpec(spec);
      // Fail closed: without its firewall rules the node does not start.
      if (spec.networkMode === "galley") await this.network.ensure(spec.hostPorts ?? []).catch(nodeNetworkFailure);
      ws = await createWorkspace(this.tmpDir, spec.files, { uid: RUNNER_UID, gid: RUNNER_UID });
      const made = await this.create(containerOptions(spec, ws, outputsFile, this.network.settings), spec);
      if ("adopted" in made) {
        // This very attempt's container outlived its worker (kill -9): it is the node's one
        // execution, so wait for it rather than run the node's side effects a second time.
        await removeWorkspace(ws);
        ({ container, ws } = made);
        return await this.supervise(container, spec, io, { startedAt, work: ws.work, outputsFile, adopted: true });
      }
      container = made;
      return await this.supervise(container, spec, io, { startedAt, work: ws.work, outputsFile });
    } catch (err) {
      if (err instanceof NodeFailure) return fail(err.message);
      if (err instanceof AppError && err.code === "invalid_input") return fail(err.message);
      throw engineUnavailable(err as DockerError) ?? err;
    } finally {
      // Every path, a thrown one included, leaves no container and no temp dir behind.
      if (container) await container.remove({ force: true, v: true }).catch(() => {});
      if (ws) await removeWorkspace(ws);
    }
  }

  /** The container of this attempt a dead worker started, with its workspace; null when there is none to adopt. */
  private async leftBehind(spec: NodeSpec): Promise<LeftBehind | null> {
    const container = this.docker.getContainer(containerName(spec));
    const info = await container.inspect().catch(ignoreGone);
    const labels = info?.Config.Labels ?? {};
    const root = labels[LABEL.workspace];
    const ours = labels[LABEL.managed] === "true" && labels[LABEL.run] === spec.runId && labels[LABEL.node] === spec.nodeId && labels[LABEL.attempt] === String(spec.attempt);
    // Only a workspace that looks like one of ours (in our temp dir) is read and later deleted.
    if (!info || !ours || !root || path.dirname(root) !== this.tmpDir || !path.basename(root).startsWith(WORKSPACE_PREFIX)) return null;
    // Created but never started (the worker died in between): nothing ran, start afresh.
    if (info.State.Status === "created") {
      await container.remove({ force: true, v: true }).catch(ignoreGone);
      await removeWorkspace({ root });
      return null;
    }
    return { container, ws: { root, work: path.join(root, "work"), files: path.join(root, "files") }, adopted: true };
  }

  private async create(opts: Docker.ContainerCreateOptions, spec: NodeSpec): Promise<Docker.Container | LeftBehind> {
    const image = spec.image;
    try {
      return await this.docker.createContainer(opts);
    } catch (err) {
      const e = err as DockerError;
      if (e.statusCode === 404) {
        throw new NodeFailure(`image ${image} is not available locally (Galley cannot pull images here; build it with docker/runner/build.sh)`);
      }
      if (e.statusCode === 409 && opts.name) {
        // A container of this very attempt survived a worker crash: adopt it when it is one of
        // ours with its workspace; otherwise it must go before ours starts.
        const left = await this.leftBehind(spec);
        if (left) return left;
        await this.docker.getContainer(opts.name).remove({ force: true, v: true }).catch(() => {});
        return await this.docker.createContainer(opts);
      }
      if (e.statusCode === 400) throw new NodeFailure(`container rejected: ${daemonMessage(e)}`);
      throw err;
    }
  }

  private async supervise(container: Docker.Container, spec: NodeSpec, io: RunIo, ctx: { startedAt: number; work: string; outputsFile: string; adopted?: boolean }): Promise<ExecResult> {
    const pump = new LogPump(spec.secrets, ctx.adopted && io.alreadySaved ? skipSaved(io.onLog, io.alreadySaved) : io.onLog, this.options.maxLogChars);
    const demux = new FrameDemuxer((stream, payload) => pump.push(stream, payload));
    // Attach before start, or the first lines of a fast node are lost. An adopted container's
    // output comes from the engine's log from its beginning (the dead worker saw only part of it);
    // the lines it saved are skipped (skipSaved), per stream, as each stream keeps its order.
    const stream = (ctx.adopted
      ? await container.logs({ follow: true, stdout: true, stderr: true })
      : await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
    const drained = new Promise<void>((resolve) => {
      stream.on("data", (chunk: Buffer) => demux.push(chunk));
      for (const ev of ["end", "close", "error"]) stream.on(ev, () => resolve());
    });
    let stopReason: StopReason = null;
    const stop = (reason: Exclude<StopReason, null>) => {
      if (stopReason) return;
      stopReason = reason;
      container.kill({ signal: "SIGKILL" }).catch(() => {}); // 409 when it already exited: fine
      // Backstop for a kill the engine lost: removal ends the wait below too.
      setTimeout(() => container.remove({ force: true, v: true }).catch(() => {}), KILL_BACKSTOP_MS).unref();
    };
    const onAbort = () => stop("cancel");
    io.signal?.addEventListener("abort", onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    try {
      if (io.signal?.aborted) stop("cancel");
      if (stopReason) return this.finish(container, spec, ctx, stopReason, null);
      if (!ctx.adopted) {
        try {
          await container.start();
        } catch (err) {
          const msg = daemonMessage(err as DockerError);
          const missing = /exec: "([^"]*)": executable file not found/.exec(msg);
          throw new NodeFailure(missing ? `command not found: ${missing[1]} (not in the image ${spec.image})` : `container failed to start: ${msg}`);
        }
      }
      // An abort that landed during start() found nothing running to kill.
      if (stopReason) container.kill({ signal: "SIGKILL" }).catch(() => {});
      io.onStart?.({ containerId: container.id, startMs: Date.now() - ctx.startedAt, adopted: ctx.adopted });
      timer = setTimeout(() => stop("timeout"), spec.timeoutMs);
      const exit = (await container.wait({ condition: "not-running" }).catch(ignoreGone)) as { StatusCode: number } | null;
      clearTimeout(timer);
      await Promise.race([drained, new Promise((r) => setTimeout(r, STREAM_DRAIN_MS).unref())]);
      pump.end();
      return await this.finish(container, spec, ctx, stopReason, exit?.StatusCode ?? null);
    } finally {
      clearTimeout(timer);
      io.signal?.removeEventListener("abort", onAbort);
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    }
  }

  private async finish(container: Docker.Container, spec: NodeSpec, ctx: { startedAt: number; work: string; outputsFile: string }, stopReason: StopReason, exitCode: number | null): Promise<ExecResult> {
    const info = await container.inspect().catch(ignoreGone);
    if (!info || info.State.Status === "removing") {
      const error = "container was removed while running (another worker took this node over)";
      return { exitCode: null, status: stopReason === "cancel" ? "cancelled" : "failed", oomKilled: false, outputs: {}, error, durationMs: Date.now() - ctx.startedAt };
    }
    const base = classify({
      stopReason,
      exitCode: exitCode ?? (info.State.Running ? null : info.State.ExitCode),
      oomKilled: Boolean(info.State.OOMKilled),
      memoryBytes: checkLimits(spec).memoryBytes,
      timeoutMs: spec.timeoutMs,
      startedAt: ctx.startedAt,
      now: Date.now(),
    });
    if (stopReason) return { ...base, exitCode: null, outputs: {} }; // we killed it: its code means nothing
    if (base.status !== "succeeded" && !base.oomKilled && (base.exitCode === 137 || base.exitCode === 143)) {
      return { ...base, outputs: {}, error: await this.killedFromOutside(base.exitCode) };
    }
    if (base.status !== "succeeded") return { ...base, outputs: {} };
    const read = await readOutputs(ctx.work, ctx.outputsFile, spec.secrets);
    if (!read.ok) return { ...base, status: "failed", error: read.error, outputs: {} };
    return { ...base, outputs: read.outputs };
  }

  /**
   * A container killed by a signal Galley did not send. The usual cause is the engine shutting
   * down (it stops every container first, then exits): watch it for a moment to say so, rather
   * than leave "exited with code 137" to look like the node's own fault.
   */
  private async killedFromOutside(exitCode: number): Promise<string> {
    const signal = exitCode === 137 ? "SIGKILL" : "SIGTERM";
    for (let i = 0; i < ENGINE_GONE_CHECKS; i++) {
      if (!(await this.ping()).ok) return `the Docker engine stopped while the node ran: its container was killed (${signal}, exit ${exitCode}); run it again once the engine is back`;
      await new Promise((r) => setTimeout(r, ENGINE_GONE_INTERVAL_MS));
    }
    return `exited with code ${exitCode} (${signal}, not out of memory, not sent by Galley): the node's own process, docker stop/kill or the engine restarting`;
  }

  async killOrphans(filter: OrphanFilter = {}): Promise<number> {
    const labels = [`${LABEL.managed}=true`];
    if (filter.runId) labels.push(`${LABEL.run}=${filter.runId}`);
    if (filter.nodeId) labels.push(`${LABEL.node}=${filter.nodeId}`);
    let found: Docker.ContainerInfo[];
    try {
      found = await this.docker.listContainers({ all: true, filters: { label: labels } });
    } catch (err) {
      throw engineUnavailable(err as DockerError) ?? err;
    }
    if (filter.exceptAttempt !== undefined) found = found.filter((c) => c.Labels?.[LABEL.attempt] !== String(filter.exceptAttempt));
    for (const c of found) {
      await this.docker.getContainer(c.Id).remove({ force: true, v: true }).catch((err: DockerError) => {
        if (err.statusCode !== 404) throw err; // already gone: another worker got there first
      });
      const dir = c.Labels?.[LABEL.workspace];
      // Only ever delete a dir that looks like one of ours (labels are set by us, but be strict).
      if (dir && path.dirname(dir) === this.tmpDir && path.basename(dir).startsWith(WORKSPACE_PREFIX)) await removeWorkspace({ root: dir });
    }
    return found.length;
  }

  async ping(): Promise<{ ok: boolean; reason?: string }> {
    try {
      await Promise.race([
        this.docker.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS).unref()),
      ]);
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: `Docker engine unavailable: ${(err as Error).message}` };
    }
  }
}

