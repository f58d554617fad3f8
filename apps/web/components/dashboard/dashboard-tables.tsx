// The dashboard's tables: one row per Kitchen and pipeline, and the tests not passing first.
import Link from "next/link";
import type { TPipelineRow, TTestRow } from "@galley/dashboards/schemas";
import { EnvironmentBadge } from "@/components/badges";
import { StatusBadge } from "@/components/runs/status-badge";
import { formatDuration } from "@/components/runs/status";
import { timeAgo } from "@/lib/format";
import { Sparkline } from "./sparkline";

const STALE_MS = 26 * 3600_000;
const pct = (r: number | null) => (r === null ? "–" : `${Math.round(r * 1000) / 10}%`);
const rateClass = (r: number | null) => (r === null ? "text-slate-400" : r >= 0.95 ? "text-emerald-700" : r >= 0.8 ? "text-amber-700" : "text-rose-700");

export function testHref(t: { kitchen: string; pipeline: string; node: string; test: string }): string {
  return `/kitchens/${t.kitchen}/pipelines/${t.pipeline}/tests/${t.node}/${encodeURIComponent(t.test)}`;
}

export function PipelinesTable({ rows, now }: { rows: TPipelineRow[]; now: Date }) {
  if (!rows.length) return <p className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-500">No runs in the Kitchens you may see match these filters.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm" data-testid="dashboard-pipelines">
        <thead className="bg-slate-50 text-left text-xs text-slate-500">
          <tr>
            <th className="px-3 py-2 font-medium">pipeline</th>
            <th className="px-3 py-2 font-medium">last run</th>
            <th className="px-3 py-2 font-medium">success 7 d</th>
            <th className="px-3 py-2 font-medium">success 30 d</th>
            <th className="px-3 py-2 font-medium">duration</th>
            <th className="px-3 py-2 font-medium">data freshness</th>
            <th className="px-3 py-2 font-medium">tests 7 d</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const stale = r.freshnessMs === null || r.freshnessMs > STALE_MS;
            return (
              <tr key={`${r.kitchen}/${r.pipeline}`} className="border-t border-slate-100" data-testid="dashboard-pipeline-row" data-kitchen={r.kitchen} data-pipeline={r.pipeline}>
                <td className="px-3 py-2">
                  <Link href={`/kitchens/${r.kitchen}/pipelines/${r.pipeline}`} className="font-mono font-medium hover:underline">{r.pipeline}</Link>
                  <div className="mt-0.5 flex items-center gap-1 text-xs text-slate-500"><span className="font-mono">{r.kitchen}</span> <EnvironmentBadge name={r.environment} kind={r.environmentKind} /></div>
                </td>
                <td className="px-3 py-2">
                  <Link href={`/runs/${r.lastRun.id}`} className="inline-flex items-center gap-1 hover:underline">
                    <StatusBadge status={r.lastRun.status} kind="run" />
                    {r.lastRun.warnings > 0 && <span className="text-xs text-amber-700">{r.lastRun.warnings} warning{r.lastRun.warnings > 1 ? "s" : ""}</span>}
                  </Link>
                  <div className="mt-0.5 text-xs text-slate-500">{timeAgo(r.lastRun.createdAt, now)}</div>
                </td>
                <td className={`px-3 py-2 tabular-nums ${rateClass(r.successRate7d)}`}>{pct(r.successRate7d)} <span className="text-xs text-slate-400">of {r.runs7d}</span></td>
                <td className={`px-3 py-2 tabular-nums ${rateClass(r.successRate30d)}`}>{pct(r.successRate30d)} <span className="text-xs text-slate-400">of {r.runs30d}</span></td>
                <td className="px-3 py-2">
                  <div className="flex items-center gap-2"><Sparkline values={r.durationTrend} /><span className="text-xs tabular-nums text-slate-600">{r.lastRun.durationMs === null ? "–" : formatDuration(r.lastRun.durationMs)}</span></div>
                </td>
                <td className={`px-3 py-2 text-xs ${stale ? "font-medium text-rose-700" : "text-slate-600"}`} data-testid="freshness">
                  {r.lastSuccessAt ? <>succeeded {timeAgo(r.lastSuccessAt, now)}</> : "never succeeded"}
                </td>
                <td className="px-3 py-2 text-xs tabular-nums">
                  <span className="text-emerald-700">{r.tests7d.passed}</span> / <span className="text-amber-700">{r.tests7d.warned}</span> / <span className="text-rose-700">{r.tests7d.failed + r.tests7d.error}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const VERDICT_STYLE: Record<string, string> = {
  passed: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  warned: "bg-amber-50 text-amber-800 ring-amber-200",
  failed: "bg-rose-50 text-rose-700 ring-rose-200",
  error: "bg-violet-50 text-violet-700 ring-violet-200",
};

export function VerdictBadge({ verdict }: { verdict: string }) {
  return <span data-verdict={verdict} className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${VERDICT_STYLE[verdict] ?? VERDICT_STYLE.error}`}>{verdict}</span>;
}

export function TestsTable({ rows, now }: { rows: TTestRow[]; now: Date }) {
  if (!rows.length) return <p className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-500">No test results yet.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm" data-testid="dashboard-tests">
        <thead className="bg-slate-50 text-left text-xs text-slate-500">
          <tr>
            <th className="px-3 py-2 font-medium">newest verdict</th>
            <th className="px-3 py-2 font-medium">test</th>
            <th className="px-3 py-2 font-medium">where</th>
            <th className="px-3 py-2 font-medium">value</th>
            <th className="px-3 py-2 font-medium">rule broken</th>
            <th className="px-3 py-2 font-medium">when</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={`${t.kitchen}/${t.pipeline}/${t.node}/${t.test}`} className="border-t border-slate-100" data-testid="dashboard-test-row">
              <td className="px-3 py-2"><VerdictBadge verdict={t.verdict} /></td>
              <td className="px-3 py-2"><Link href={testHref(t)} className="font-mono font-medium underline-offset-2 hover:underline" data-testid="control-chart-link">{t.test}</Link> <span className="text-xs text-slate-400">{t.kind}, {t.level}</span></td>
              <td className="px-3 py-2 font-mono text-xs text-slate-600">{t.kitchen} · {t.pipeline} · {t.node}</td>
              <td className="px-3 py-2 tabular-nums">{t.value ?? "–"}</td>
              <td className="px-3 py-2 font-mono text-xs text-rose-700">{t.rule ?? ""}</td>
              <td className="px-3 py-2 text-xs text-slate-500">{timeAgo(t.at, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
