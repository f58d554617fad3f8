import type { ExecResult } from "./types";

export type StopReason = "timeout" | "cancel" | null;

export interface Outcome {
  stopReason: StopReason;
  exitCode: number | null;
  /** Set when the process was killed by a signal we did not send (local executor). */
  signal?: string | null;
  oomKilled: boolean;
  memoryBytes?: number;
  timeoutMs: number;
  startedAt: number;
  now: number;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3} GiB`;
  if (bytes >= 1024 ** 2) return `${Math.round((bytes / 1024 ** 2) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

/** Status and message for a finished process, before its outputs are read. Order matters: our own kill explains the exit. */
export function classify(o: Outcome): Omit<ExecResult, "outputs"> {
  const base = { exitCode: o.exitCode, oomKilled: o.oomKilled, durationMs: o.now - o.startedAt };
  if (o.stopReason === "timeout") return { ...base, status: "timed_out", error: `timed out after ${formatMs(o.timeoutMs)}` };
  if (o.stopReason === "cancel") return { ...base, status: "cancelled", error: "cancelled" };
  if (o.oomKilled) {
    const limit = o.memoryBytes ? ` (limit ${formatBytes(o.memoryBytes)})` : "";
    return { ...base, status: "failed", error: `out of memory${limit}` };
  }
  if (o.signal) return { ...base, status: "failed", error: `killed by signal ${o.signal}` };
  if (o.exitCode !== 0) return { ...base, status: "failed", error: `exited with code ${o.exitCode}` };
  return { ...base, status: "succeeded" };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
