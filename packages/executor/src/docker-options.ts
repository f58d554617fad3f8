import type { ContainerCreateOptions } from "dockerode";
import { AppError } from "@galley/core";
import type { NodeSpec } from "./types";
import { checkNetworkMode, checkPort, NODE_NETWORK_NAME, type NodeNetworkSettings } from "./node-network-rules";
import type { Workspace } from "./workspace";

export const RUNNER_UID = 10001;
export const WORK_MOUNT = "/galley/work";
export const FILES_MOUNT = "/galley/files";

export const DEFAULT_LIMITS = { cpu: 1, memoryBytes: 512 * 1024 ** 2, pidsLimit: 256 } as const;
/** /tmp is the only writable path besides the work dir; it counts against the memory limit. */
export const TMPFS_OPTIONS = "rw,noexec,nosuid,nodev,size=64m,mode=1777";

export const LABEL = {
  managed: "galley.managed",
  run: "galley.run",
  node: "galley.node",
  attempt: "galley.attempt",
  /** Host temp dir of the node, so killOrphans can delete it too. */
  workspace: "galley.workspace",
} as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Docker's NetworkMode for a node: Galley's own bridge, or no network at all. Never the host's. */
export function dockerNetworkMode(mode: string, net: Pick<NodeNetworkSettings, "name"> = { name: NODE_NETWORK_NAME }): string {
  return checkNetworkMode(mode) === "galley" ? net.name : "none";
}

export function checkLimits(spec: NodeSpec): { cpu: number; memoryBytes: number; pidsLimit: number } {
  const cpu = spec.cpu ?? DEFAULT_LIMITS.cpu;
  const memoryBytes = spec.memoryBytes ?? DEFAULT_LIMITS.memoryBytes;
  const pidsLimit = spec.pidsLimit ?? DEFAULT_LIMITS.pidsLimit;
  if (!(cpu > 0 && cpu <= 256)) throw new AppError("invalid_input", `cpu must be between 0 and 256 cores, got ${cpu}`, { field: "cpu" });
  // Docker refuses less than 6 MiB.
  if (!(Number.isInteger(memoryBytes) && memoryBytes >= 6 * 1024 ** 2)) throw new AppError("invalid_input", `memory must be at least 6 MiB, got ${memoryBytes} bytes`, { field: "memoryBytes" });
  if (!(Number.isInteger(pidsLimit) && pidsLimit >= 1)) throw new AppError("invalid_input", `pidsLimit must be a positive integer, got ${pidsLimit}`, { field: "pidsLimit" });
  return { cpu, memoryBytes, pidsLimit };
}

/** The environment every node gets, whichever executor runs it, so scripts are portable. */
export function galleyEnv(dirs: { work: string; files: string }, outputsFile: string, spec: NodeSpec): Record<string, string> {
  return {
    GALLEY_WORK: dirs.work,
    GALLEY_FILES: dirs.files,
    GALLEY_OUTPUTS: `${dirs.work}/${outputsFile}`,
    GALLEY_RUN_ID: spec.runId,
    GALLEY_NODE_ID: spec.nodeId,
    GALLEY_ATTEMPT: String(spec.attempt),
  };
}

/** setTimeout fires at once for anything above 2^31 - 1 ms (24.8 days), so that is the ceiling. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Checks shared by both executors. */
export function checkSpec(spec: NodeSpec): void {
  checkEnv(spec.env);
  checkNetworkMode(spec.networkMode);
  for (const p of spec.hostPorts ?? []) checkPort(p);
  if (!spec.command.length) throw new AppError("invalid_input", "command must not be empty", { field: "command" });
  if (!(Number.isInteger(spec.timeoutMs) && spec.timeoutMs > 0 && spec.timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new AppError("invalid_input", `timeout must be a whole number of milliseconds between 1 and ${MAX_TIMEOUT_MS}, got ${spec.timeoutMs}`, { field: "timeoutMs" });
  }
}

export function checkEnv(env: Record<string, string>): void {
  for (const [k, v] of Object.entries(env)) {
    if (!ENV_NAME.test(k)) throw new AppError("invalid_input", `environment variable name ${JSON.stringify(k)} is invalid`, { field: `env.${k}` });
    if (typeof v !== "string" || v.includes("\0")) throw new AppError("invalid_input", `environment variable ${k} must be a string without NUL`, { field: `env.${k}` });
  }
}

/** Docker names allow [a-zA-Z0-9_.-]; the name makes a second container for one attempt impossible. */
export function containerName(spec: Pick<NodeSpec, "runId" | "nodeId" | "attempt">): string {
  const clean = (s: string) => s.replace(/[^a-zA-Z0-9_.-]/g, "_").slice(0, 80);
  return `galley-${clean(spec.runId)}-${clean(spec.nodeId)}-a${spec.attempt}`;
}

/**
 * The container of one node: no privileges, no capabilities, read-only root, non-root user,
 * hard limits, rotated logs, default seccomp profile (no SecurityOpt overrides it), and no
 * bind of the Docker socket: the only mounts are the node's own two dirs.
 */
export function containerOptions(spec: NodeSpec, ws: Workspace, outputsFile: string, net?: Pick<NodeNetworkSettings, "name">): ContainerCreateOptions {
  checkSpec(spec);
  const limits = checkLimits(spec);
  const env = { ...spec.env, ...galleyEnv({ work: WORK_MOUNT, files: FILES_MOUNT }, outputsFile, spec) };
  return {
    name: containerName(spec),
    Image: spec.image,
    Cmd: spec.command,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    User: `${RUNNER_UID}:${RUNNER_UID}`,
    WorkingDir: WORK_MOUNT,
    Labels: {
      [LABEL.managed]: "true",
      [LABEL.run]: spec.runId,
      [LABEL.node]: spec.nodeId,
      [LABEL.attempt]: String(spec.attempt),
      [LABEL.workspace]: ws.root,
    },
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    HostConfig: {
      Privileged: false,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ReadonlyRootfs: true,
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      NanoCpus: Math.round(limits.cpu * 1e9),
      PidsLimit: limits.pidsLimit,
      IpcMode: "private",
      LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "1" } },
      Mounts: [
        { Type: "bind", Source: ws.work, Target: WORK_MOUNT, ReadOnly: false },
        { Type: "bind", Source: ws.files, Target: FILES_MOUNT, ReadOnly: true },
      ],
      Tmpfs: { "/tmp": TMPFS_OPTIONS },
      NetworkMode: dockerNetworkMode(spec.networkMode, net),
      AutoRemove: false, // we read State.OOMKilled before removing
    },
  };
}
