// A list of runs, newest first. Server-rendered: the status shown is the one at page load.
import Link from "next/link";
import { timeAgo } from "@/lib/format";
import type { TRunListItem } from "@/lib/read-models/runs";
import { StatusBadge } from "./status-badge";
import { durationBetween, formatDuration } from "./status";

function NodeCounts({ counts }: { counts: Record<string, number> }) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const done = (counts.succeeded ?? 0) + (counts.reused ?? 0);
  const bad = (counts.failed ?? 0) + (counts.timed_out ?? 0);
  return (
    <span className="text-xs text-slate-600">
      {done}/{total} ok{bad ? <span className="text-rose-700"> · {bad} failed</span> : null}
      {counts.skipped ? <span className="text-slate-500"> · {counts.skipped} skipped</span> : null}
    </span>
  );
}

export function RunsTable({ runs, showPipeline = true, empty = "No runs yet." }: { runs: TRunListItem[]; showPipeline?: boolean; empty?: string }) {
  if (runs.length === 0) return <p className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-500" data-testid="runs-empty">{empty}</p>;
  const now = new Date();
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm" data-testid="runs-table">
        <thead className="bg-slate-50 text-left text-xs text-slate-500">
          <tr>
            <th className="px-3 py-2 font-medium">status</th>
            {showPipeline && <th className="px-3 py-2 font-medium">pipeline</th>}
            <th className="px-3 py-2 font-medium">started</th>
            <th className="px-3 py-2 font-medium">duration</th>
            <th className="px-3 py-2 font-medium">nodes</th>
            <th className="px-3 py-2 font-medium">trigger</th>
            <th className="px-3 py-2 font-medium">commit</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => {
            const d = durationBetween(r.startedAt ?? r.createdAt, r.finishedAt, now.getTime());
            return (
              <tr key={r.id} className="border-t border-slate-100 hover:bg-slate-50" data-testid="run-row" data-run={r.id} data-status={r.status}>
                <td className="px-3 py-2"><Link href={`/runs/${r.id}`} className="hover:underline"><StatusBadge status={r.status} kind="run" warnings={r.warnings} /></Link></td>
                {showPipeline && <td className="px-3 py-2 font-mono"><Link href={`/runs/${r.id}`} className="hover:underline">{r.pipeline}</Link>{r.variation && <span className="text-xs text-slate-500"> ({r.variation})</span>}</td>}
                <td className="px-3 py-2 text-slate-600"><Link href={`/runs/${r.id}`} className="hover:underline" title={r.createdAt.toISOString()}>{timeAgo(r.createdAt, now)}</Link></td>
                <td className="px-3 py-2 text-slate-600">{d === null ? "–" : `${formatDuration(d)}${r.finishedAt ? "" : "…"}`}</td>
                <td className="px-3 py-2"><NodeCounts counts={r.nodeCounts} /></td>
                <td className="px-3 py-2 text-slate-600">{r.trigger}{r.triggeredBy ? ` · ${r.triggeredBy.name}` : ""}</td>
                <td className="px-3 py-2 font-mono text-xs text-slate-500" title={r.commit}>{r.commit.slice(0, 8)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
