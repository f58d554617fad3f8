// How each run and node status looks, in one table shared by the graph, the Gantt and badges.
// Full class strings (no concatenation) so Tailwind finds them.

export interface StatusStyle {
  label: string;
  /** SVG box: fill and stroke. */
  box: string;
  /** Text in the SVG box. */
  text: string;
  /** The type icon's stroke. */
  icon: string;
  badge: string;
  /** SVG bar in the Gantt. */
  bar: string;
  /** Drawn with the stripes pattern instead of a fill colour. */
  striped?: boolean;
  dashed?: boolean;
}

export const NODE_STYLES: Record<string, StatusStyle> = {
  pending: { label: "waiting", box: "fill-white stroke-slate-300", text: "fill-slate-500", icon: "stroke-slate-500", badge: "bg-white text-slate-500 ring-slate-300", bar: "fill-slate-200" },
  queued: { label: "queued", box: "fill-slate-100 stroke-slate-400", text: "fill-slate-600", icon: "stroke-slate-600", badge: "bg-slate-100 text-slate-600 ring-slate-300", bar: "fill-slate-300" },
  running: { label: "running", box: "fill-blue-50 stroke-blue-500 animate-pulse", text: "fill-blue-700", icon: "stroke-blue-700", badge: "bg-blue-50 text-blue-700 ring-blue-300", bar: "fill-blue-500 animate-pulse" },
  succeeded: { label: "succeeded", box: "fill-emerald-50 stroke-emerald-600", text: "fill-emerald-700", icon: "stroke-emerald-700", badge: "bg-emerald-50 text-emerald-700 ring-emerald-300", bar: "fill-emerald-500" },
  reused: { label: "reused", box: "fill-emerald-50 stroke-emerald-400", text: "fill-emerald-700", icon: "stroke-emerald-700", badge: "bg-emerald-50 text-emerald-700 ring-emerald-200", bar: "fill-emerald-300", dashed: true },
  failed: { label: "failed", box: "fill-rose-50 stroke-rose-600", text: "fill-rose-700", icon: "stroke-rose-700", badge: "bg-rose-50 text-rose-700 ring-rose-300", bar: "fill-rose-500" },
  timed_out: { label: "timed out", box: "fill-rose-50 stroke-rose-600", text: "fill-rose-700", icon: "stroke-rose-700", badge: "bg-rose-50 text-rose-700 ring-rose-300", bar: "fill-rose-400", dashed: true },
  skipped: { label: "skipped", box: "stroke-slate-400", text: "fill-slate-500", icon: "stroke-slate-500", badge: "bg-slate-100 text-slate-500 ring-slate-300", bar: "", striped: true },
  cancelled: { label: "cancelled", box: "fill-amber-50 stroke-amber-500", text: "fill-amber-700", icon: "stroke-amber-700", badge: "bg-amber-50 text-amber-800 ring-amber-300", bar: "fill-amber-400" },
  none: { label: "not run yet", box: "fill-white stroke-slate-300", text: "fill-slate-400", icon: "stroke-slate-400", badge: "bg-white text-slate-400 ring-slate-200", bar: "fill-slate-200" },
};

export const RUN_STYLES: Record<string, StatusStyle> = {
  queued: NODE_STYLES.queued,
  running: NODE_STYLES.running,
  succeeded: NODE_STYLES.succeeded,
  failed: NODE_STYLES.failed,
  cancelled: NODE_STYLES.cancelled,
  // status `succeeded` with runs.warnings > 0: a `warn` data test tripped.
  succeeded_with_warnings: { ...NODE_STYLES.succeeded, label: "succeeded with warnings", badge: "bg-amber-50 text-amber-800 ring-amber-400", box: "fill-amber-50 stroke-amber-500", bar: "fill-amber-400" },
};

export const nodeStyle = (status: string | undefined) => NODE_STYLES[status ?? "none"] ?? NODE_STYLES.none;
export const runStyle = (status: string, warnings = 0) => (status === "succeeded" && warnings > 0 ? RUN_STYLES.succeeded_with_warnings : RUN_STYLES[status] ?? NODE_STYLES.none);

/** "succeeded with warnings (2)" for runs whose warn tests tripped; the status otherwise. */
export const runLabel = (status: string, warnings = 0) => (status === "succeeded" && warnings > 0 ? `succeeded with ${warnings} warning${warnings > 1 ? "s" : ""}` : runStyle(status).label);

export const isRunActive = (status: string) => status === "queued" || status === "running";

/** "1.2 s", "3 min 04 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.round(s % 60)).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

export function durationBetween(from: string | Date | null | undefined, to: string | Date | null | undefined, now: number): number | null {
  if (!from) return null;
  const end = to ? new Date(to).getTime() : now;
  return end - new Date(from).getTime();
}
