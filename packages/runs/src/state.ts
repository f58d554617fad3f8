// Pure rules of a run's life. No I/O: the use cases apply them inside transactions.

export type NodeStatus = "pending" | "queued" | "running" | "succeeded" | "failed" | "skipped" | "cancelled" | "timed_out" | "reused";
export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export const TERMINAL_NODE: ReadonlySet<NodeStatus> = new Set(["succeeded", "failed", "skipped", "cancelled", "timed_out", "reused"]);
export const TERMINAL_RUN: ReadonlySet<RunStatus> = new Set(["succeeded", "failed", "cancelled"]);
/** Statuses that satisfy a downstream dependency. */
export const SATISFIED: ReadonlySet<NodeStatus> = new Set(["succeeded", "reused"]);

/** The run's final status once every node is terminal; null while work remains. */
export function settledRunStatus(statuses: readonly NodeStatus[]): RunStatus | null {
  if (statuses.some((s) => !TERMINAL_NODE.has(s))) return null;
  if (statuses.some((s) => s === "failed" || s === "timed_out")) return "failed";
  if (statuses.some((s) => s === "cancelled")) return "cancelled";
  if (statuses.some((s) => s === "skipped")) return "failed";
  return "succeeded";
}

/** Exponential backoff: base, 2×base, 4×base… capped at 5 minutes. */
export function retryDelayMs(backoffMs: number, attempt: number): number {
  return Math.min(300_000, Math.max(0, backoffMs) * 2 ** Math.max(0, attempt - 1));
}

/** Every node reachable downstream of `from` in a deps map (node → its upstreams). */
export function descendants(deps: Readonly<Record<string, readonly string[]>>, from: string): string[] {
  const children = new Map<string, string[]>();
  for (const [node, ups] of Object.entries(deps)) for (const u of ups) children.set(u, [...(children.get(u) ?? []), node]);
  const seen = new Set<string>();
  const stack = [...(children.get(from) ?? [])];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(children.get(n) ?? []));
  }
  return [...seen];
}

/** Direct dependents of a node. */
export function dependents(deps: Readonly<Record<string, readonly string[]>>, of: string): string[] {
  return Object.entries(deps).filter(([, ups]) => ups.includes(of)).map(([n]) => n);
}

