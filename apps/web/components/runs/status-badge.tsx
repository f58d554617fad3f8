import { nodeStyle, runLabel, runStyle } from "./status";

/** `warnings` (runs only): a succeeded run with tripped warn tests reads "succeeded with N warnings". */
export function StatusBadge({ status, kind = "node", testId, warnings = 0 }: { status: string; kind?: "run" | "node"; testId?: string; warnings?: number }) {
  const s = kind === "run" ? runStyle(status, warnings) : nodeStyle(status);
  const label = kind === "run" ? runLabel(status, warnings) : s.label;
  return (
    <span data-testid={testId} data-status={status} data-warnings={kind === "run" ? warnings : undefined} className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${s.badge} ${s.striped ? "bg-[repeating-linear-gradient(135deg,#f1f5f9_0_4px,#e2e8f0_4px_8px)]" : ""}`}>
      {status === "running" && <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-blue-500" />}
      {label}
    </span>
  );
}
