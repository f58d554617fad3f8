"use client";
// A test's control chart: the metric per run, the mean and the control limits each evaluation
// used (they are learned from history, so they step), and the points that broke a rule in red.
import { CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from "recharts";

export interface WirePoint {
  at: string;
  runId: string;
  value: number | null;
  mean: number | null;
  lower: number | null;
  upper: number | null;
  verdict: string;
  rule: string | null;
  broke: boolean;
}

const label = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;

export function ControlChart({ points }: { points: WirePoint[] }) {
  const data = points.map((p, i) => ({ i, at: label(p.at), value: p.value, mean: p.mean, lower: p.lower, upper: p.upper, broke: p.broke ? p.value : null, rule: p.rule }));
  const dots = points.length <= 120;
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-3" data-testid="control-chart">
      <div className="h-80">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="at" tick={{ fontSize: 10 }} interval="preserveStartEnd" minTickGap={40} />
            <YAxis tick={{ fontSize: 10 }} domain={["auto", "auto"]} />
            <Tooltip />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <Line name="upper limit" dataKey="upper" type="stepAfter" stroke="#e11d48" strokeDasharray="6 3" dot={false} isAnimationActive={false} connectNulls />
            <Line name="mean" dataKey="mean" type="stepAfter" stroke="#64748b" strokeDasharray="2 2" dot={false} isAnimationActive={false} connectNulls />
            <Line name="lower limit" dataKey="lower" type="stepAfter" stroke="#e11d48" strokeDasharray="6 3" dot={false} isAnimationActive={false} connectNulls />
            <Line name="value" dataKey="value" type="linear" stroke="#0f172a" strokeWidth={1.5} dot={dots ? { r: 2 } : false} isAnimationActive={false} />
            <Scatter name="broke a rule" dataKey="broke" fill="#e11d48" isAnimationActive={false} data-testid="broken-points" />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
