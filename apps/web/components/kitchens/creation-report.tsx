"use client";

import Link from "next/link";
import type { ApiError } from "./api";
import { kitchenHref } from "./paths";
import { btn } from "./ui";

export const STEPS: { step: string; label: string }[] = [
  { step: "check", label: "Check the warehouses" },
  { step: "branch", label: "Create the git branch" },
  { step: "schema", label: "Create the schema" },
  { step: "data", label: "Fill it from the parent" },
  { step: "records", label: "Record the Kitchen, staff and variables" },
];
const LABEL = new Map(STEPS.map((s) => [s.step, s.label]));

export interface CreationReport {
  kitchen: { name: string; branch: string; schema: string; environment: string };
  report: { steps: { step: string; ms: number }[]; tables: { table: string; mode: string; rows?: number; note?: string; masked?: string[] }[] };
}

const MODE_STYLE: Record<string, string> = {
  view: "bg-sky-50 text-sky-700 ring-sky-200",
  copy: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  sample: "bg-amber-50 text-amber-800 ring-amber-200",
  empty: "bg-slate-50 text-slate-600 ring-slate-200",
};
const fmt = new Intl.NumberFormat("en");

/** While the request runs: the steps it will go through, and how long it has taken so far. */
export function CreationProgress({ name, elapsedMs }: { name: string; elapsedMs: number }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" role="status" data-testid="creation-progress">
      <div className="flex items-center gap-2 text-sm font-medium text-slate-900">
        <span aria-hidden className="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-slate-800" />
        Creating <span className="font-mono">{name}</span>… <span className="tabular-nums text-slate-500">{(elapsedMs / 1000).toFixed(1)} s</span>
      </div>
      <ol className="mt-3 space-y-1.5 text-sm text-slate-500">
        {STEPS.map((s) => (
          <li key={s.step} className="flex items-center gap-2">
            <span aria-hidden className="h-2 w-2 animate-pulse rounded-full bg-slate-300" /> {s.label}
          </li>
        ))}
      </ol>
      <p className="mt-3 text-xs text-slate-500">All or nothing: if a step fails, the earlier ones are undone.</p>
    </div>
  );
}

/** What was created, step by step with timings drawn as bars, and how each table was filled. */
export function CreationSuccess({ result }: { result: CreationReport }) {
  const { kitchen, report } = result;
  const total = report.steps.reduce((n, s) => n + s.ms, 0);
  const max = Math.max(1, ...report.steps.map((s) => s.ms));
  return (
    <div className="space-y-4 rounded-lg border border-emerald-200 bg-white p-5 shadow-sm" data-testid="creation-report">
      <div className="flex flex-wrap items-center gap-3">
        <span aria-hidden className="grid h-8 w-8 place-items-center rounded-full bg-emerald-100 text-emerald-700">✓</span>
        <div>
          <h2 className="text-base font-semibold text-slate-900">Kitchen <span className="font-mono">{kitchen.name}</span> is ready</h2>
          <p className="text-sm text-slate-600">Branch <span className="font-mono">{kitchen.branch}</span>, schema <span className="font-mono">{kitchen.schema}</span> in {kitchen.environment}, in {fmt.format(total)} ms.</p>
        </div>
        <div className="ml-auto flex gap-2">
          <Link href={kitchenHref(kitchen.name, "/files")} className={btn.secondary}>Edit files</Link>
          <Link href={kitchenHref(kitchen.name)} className={btn.primary}>Open {kitchen.name}</Link>
        </div>
      </div>
      <ol className="space-y-1.5" aria-label="Steps">
        {report.steps.map((s) => (
          <li key={s.step} className="grid grid-cols-[14rem_1fr_4.5rem] items-center gap-3 text-sm" data-step={s.step}>
            <span className="text-slate-700">✓ {LABEL.get(s.step) ?? s.step}</span>
            <span className="h-2 rounded-full bg-slate-100"><span className="block h-2 rounded-full bg-emerald-400" style={{ width: `${Math.max(1, (s.ms / max) * 100)}%` }} /></span>
            <span className="text-right tabular-nums text-slate-500">{fmt.format(s.ms)} ms</span>
          </li>
        ))}
      </ol>
      <table className="w-full text-sm" data-testid="creation-tables">
        <thead className="text-left text-xs text-slate-500">
          <tr><th className="py-1 font-medium">table</th><th className="py-1 font-medium">filled as</th><th className="py-1 text-right font-medium">rows</th></tr>
        </thead>
        <tbody>
          {report.tables.map((t) => (
            <tr key={t.table} className="border-t border-slate-100">
              <td className="py-1.5 font-mono text-slate-900">{t.table}</td>
              <td className="py-1.5">
                <span className={`rounded px-1.5 py-0.5 text-xs ring-1 ring-inset ${MODE_STYLE[t.mode] ?? MODE_STYLE.empty}`}>{t.mode}</span>
                {t.note && <span className="ml-2 text-xs text-slate-500">{t.note}</span>}
                {t.masked && t.masked.length > 0 && (
                  <span className="ml-2 text-xs text-rose-700" data-testid="masked-columns">masked: <span className="font-mono">{t.masked.join(", ")}</span></span>
                )}
              </td>
              <td className="py-1.5 text-right tabular-nums text-slate-700">{t.rows !== undefined ? fmt.format(t.rows) : "—"}</td>
            </tr>
          ))}
          {report.tables.length === 0 && <tr><td colSpan={3} className="py-2 text-slate-500">The parent's schema has no tables.</td></tr>}
        </tbody>
      </table>
    </div>
  );
}

interface Undone {
  step: string;
  ok: boolean;
  message?: string;
}

/** Which step failed and why; what was undone (or, loudly, what could not be). */
export function CreationFailure({ error }: { error: ApiError }) {
  const details = (error.details ?? {}) as { step?: string; undone?: Undone[] };
  const failed = details.step;
  const undone = new Map((details.undone ?? []).map((u) => [u.step, u]));
  const failedAt = STEPS.findIndex((s) => s.step === failed);
  return (
    <div className="rounded-lg border border-rose-200 bg-white p-4 shadow-sm" role="alert" data-testid="creation-failure">
      <h2 className="text-sm font-semibold text-rose-800">{failed ? `Creation failed at step “${LABEL.get(failed) ?? failed}”` : "The Kitchen was not created"}</h2>
      <p className="mt-1 text-sm text-slate-700">{error.message}</p>
      {failed && (
        <ol className="mt-3 space-y-1 text-sm">
          {STEPS.map((s, i) => {
            const u = undone.get(s.step);
            const state = s.step === failed ? "failed" : failedAt >= 0 && i < failedAt ? (u ? (u.ok ? "undone" : "left behind") : "done, nothing to undo") : "not run";
            const cls = state === "failed" || state === "left behind" ? "text-rose-700" : state === "not run" ? "text-slate-400" : "text-slate-600";
            return (
              <li key={s.step} className={`flex gap-2 ${cls}`} data-step={s.step} data-state={state}>
                <span aria-hidden>{state === "failed" ? "✕" : state === "not run" ? "○" : "↺"}</span>
                <span>{s.label}</span>
                <span className="text-xs">— {state}{u && !u.ok && u.message ? `: ${u.message}` : ""}</span>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
