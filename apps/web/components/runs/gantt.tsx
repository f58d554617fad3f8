// Timeline of a run: one row per node, a thin bar for the wait in the queue and a thick one from
// start to finish (to now while it runs). SVG, no hooks: `now` comes from the caller.
import { formatDuration, nodeStyle } from "./status";
import type { NodeWire } from "./types";

const ROW = 26;
const LABEL = 170;
const CHART = 760;
/** Room on the right for the last bar's duration. */
const TAIL = 64;
const TOP = 22;

function ticks(span: number): { t: number; label: string }[] {
  const steps = [100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];
  const step = steps.find((s) => span / s <= 6) ?? 3_600_000 * Math.ceil(span / 6 / 3_600_000);
  // Sub-second steps need their decimals ("1.25 s", not a rounded "1.3 s").
  const decimals = step % 1000 === 0 ? 0 : step % 500 === 0 ? 1 : step % 100 === 0 && step % 250 !== 0 ? 1 : 2;
  const label = (t: number) => (t === 0 ? "0" : t < 1000 ? `${t} ms` : t < 60_000 ? `${(t / 1000).toFixed(decimals)} s` : formatDuration(t));
  const out: { t: number; label: string }[] = [];
  for (let t = 0; t <= span; t += step) out.push({ t, label: label(t) });
  return out;
}

export function Gantt({ nodes, runStart, now, selected, onSelect }: { nodes: NodeWire[]; runStart: string; now: number; selected?: string | null; onSelect?: (id: string) => void }) {
  const started = nodes.filter((n) => n.startedAt || n.queuedAt);
  const t0 = Math.min(new Date(runStart).getTime(), ...started.map((n) => new Date(n.queuedAt ?? n.startedAt!).getTime()));
  const end = (n: NodeWire) => (n.finishedAt ? new Date(n.finishedAt).getTime() : n.startedAt ? now : null);
  const t1 = Math.max(t0 + 1000, ...nodes.map((n) => end(n) ?? t0));
  const span = t1 - t0;
  const x = (t: number) => LABEL + ((t - t0) / span) * CHART;
  const height = TOP + nodes.length * ROW + 6;
  if (started.length === 0) return <p className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-500">No node has started yet.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <svg width="100%" viewBox={`0 0 ${LABEL + CHART + TAIL} ${height}`} style={{ maxWidth: LABEL + CHART + TAIL, minWidth: (LABEL + CHART + TAIL) * 0.7 }} role="img" aria-label="timeline of node start and finish times" data-testid="gantt" className="block">
        <defs>
          <pattern id="gantt-stripes" width={6} height={6} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width={6} height={6} fill="#f1f5f9" />
            <rect width={3} height={6} fill="#cbd5e1" />
          </pattern>
        </defs>
        {ticks(span).map(({ t, label }) => (
          <g key={t}>
            <line x1={x(t0 + t)} x2={x(t0 + t)} y1={TOP - 6} y2={height} className="stroke-slate-100" />
            <text x={x(t0 + t)} y={12} textAnchor="middle" className="fill-slate-400 text-[10px]">{label}</text>
          </g>
        ))}
        {nodes.map((n, i) => {
          const y = TOP + i * ROW;
          const s = nodeStyle(n.status);
          const queued = n.queuedAt ? new Date(n.queuedAt).getTime() : null;
          const start = n.startedAt ? new Date(n.startedAt).getTime() : null;
          const stop = end(n);
          const isSelected = selected === n.nodeId;
          return (
            <g key={n.nodeId} data-testid="gantt-row" data-node={n.nodeId} onClick={onSelect ? () => onSelect(n.nodeId) : undefined} className={onSelect ? "cursor-pointer" : undefined}>
              {isSelected && <rect x={0} y={y} width={LABEL + CHART + TAIL} height={ROW} className="fill-slate-50" />}
              <text x={8} y={y + 17} className={`font-mono text-[11px] ${isSelected ? "fill-slate-900 font-semibold" : "fill-slate-700"}`}>
                {n.nodeId.length > 22 ? `${n.nodeId.slice(0, 21)}…` : n.nodeId}
              </text>
              {queued !== null && (start ?? stop ?? now) > queued && (
                <rect x={x(queued)} y={y + 11} width={Math.max(1, x(start ?? stop ?? now) - x(queued))} height={4} rx={2} className="fill-slate-200">
                  <title>{`${n.nodeId} waited ${formatDuration((start ?? stop ?? now) - queued)} in the queue`}</title>
                </rect>
              )}
              {start !== null && (
                <rect x={x(start)} y={y + 5} width={Math.max(2, x(stop ?? now) - x(start))} height={16} rx={3} fill={s.striped ? "url(#gantt-stripes)" : undefined} className={s.bar}>
                  <title>{`${n.nodeId}: ${s.label}, ${formatDuration((stop ?? now) - start)}`}</title>
                </rect>
              )}
              {start !== null && (
                <text x={x(stop ?? now) + 4} y={y + 17} className="fill-slate-500 text-[10px]">{formatDuration((stop ?? now) - start)}</text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
