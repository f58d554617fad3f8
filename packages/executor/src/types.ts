/** One attempt of one pipeline node, as the worker hands it to an executor. */
export interface NodeSpec {
  runId: string;
  nodeId: string;
  attempt: number;
  /** Docker image (the local executor ignores it). Must already exist locally: nothing is pulled. */
  image: string;
  /** argv; never passed through a shell. */
  command: string[];
  env: Record<string, string>;
  /** Branch files, written to a fresh directory mounted read-only at /galley/files. */
  files: { path: string; content: string }[];
  /** Cores (1.5 = one and a half). Default 1. */
  cpu?: number;
  /** Hard memory limit, swap included. Default 512 MiB. */
  memoryBytes?: number;
  /** Max processes and threads in the container. Default 256. */
  pidsLimit?: number;
  timeoutMs: number;
  /**
   * 'galley' (Galley's isolated bridge: the host only on `hostPorts`) or 'none'. 'host' and
   * any other Docker network are refused (the node fails with a message saying why).
   */
  networkMode: string;
  /** Ports of this machine the node may reach at the network's gateway (its warehouse). */
  hostPorts?: number[];
  /** Relative to the work dir; default outputs.json. */
  outputsFile?: string;
  /** Values to redact from every log line, the outputs and error messages. */
  secrets: string[];
}

export type ExecStatus = "succeeded" | "failed" | "timed_out" | "cancelled";

export interface ExecResult {
  /** null when the process never ran or was killed by us before it reported one. */
  exitCode: number | null;
  status: ExecStatus;
  oomKilled: boolean;
  outputs: Record<string, unknown>;
  error?: string;
  durationMs: number;
}

export type LogStream = "stdout" | "stderr";

export interface StartInfo {
  /** Docker container id (docker executor). */
  containerId?: string;
  /** Process id (local executor). */
  pid?: number;
  /** Milliseconds from run() being called to the process running. */
  startMs: number;
  /** The attempt's container was left by a worker that died; this one waits for it instead of starting another. */
  adopted?: boolean;
}

export interface RunIo {
  /** Called once per output line, already redacted, without the trailing newline. */
  onLog(stream: LogStream, line: string): void;
  /** Aborting cancels the node: the process is killed within 5 s and the status is `cancelled`. */
  signal?: AbortSignal;
  /** Called once the process runs (lets a worker record the container id, and benchmarks time it). */
  onStart?(info: StartInfo): void;
  /**
   * Output lines of this attempt a dead worker already saved, per stream. An adopted container's
   * output is read from the engine's log from its beginning; these first lines are not passed to
   * onLog again, so the node's log continues where it stopped instead of repeating itself.
   */
  alreadySaved?: { stdout: number; stderr: number };
}

export interface OrphanFilter {
  runId?: string;
  nodeId?: string;
  /** Spare this attempt's container: the Docker executor's run() adopts it. The local executor cannot adopt a process and kills it regardless. */
  exceptAttempt?: number;
}

export interface Executor {
  readonly kind: "docker" | "local";
  /**
   * Runs one node attempt to the end. Problems of the node itself (bad exit, timeout, OOM,
   * missing image, invalid outputs) come back as a result; only an unreachable engine throws
   * (AppError `unavailable`), so the caller can retry the attempt elsewhere. A container of
   * this very attempt that a dead worker left behind is adopted (waited for), not started again.
   */
  run(spec: NodeSpec, io: RunIo): Promise<ExecResult>;
  /** Kills and removes what a dead worker left running; returns how many were found. */
  killOrphans(filter?: OrphanFilter): Promise<number>;
  ping(): Promise<{ ok: boolean; reason?: string }>;
}
