"use client";
// The dashboard's charts over days (recharts, SVG drawn in the browser: nothing is fetched).
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TDayPoint } from "@galley/dashboards/schemas";

const COLORS = { succeeded: "#10b981", warned: "#f59e0b", failed: "#e11d48", cancelled: "#94a3b8", error: "#7c3aed", duration: "#0f172a" };
const shortDay = (d: string) => d.slice(5);

function Frame({ title, testId, children }: { title: string; testId: string; children: React.ReactElement }) {
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-3" data-testid={testId}>
      <figcaption className="mb-2 text-xs font-semibold text-slate-700">{title}</figcaption>
      <div className="h-48">
        <ResponsiveContainer width="100%" height="100%">{children}</ResponsiveContainer>
      </div>
    </figure>
  );
}

export function RunsChart({ daily }: { daily: TDayPoint[] }) {
  const data = daily.map((d) => ({ day: shortDay(d.day), succeeded: d.succeeded - d.warned, "with warnings": d.warned, failed: d.failed, cancelled: d.cancelled }));
  return (
    <Frame title="Runs per day" testId="chart-runs">
      <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -20 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="day" tick={{ fontSize: 10 }} interval="preserveStartEnd" />
        <YAxis tick={{ fontSize: 10 }} allowDecimals={false} />
        <Tooltip />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        <Bar dataKey="succeeded" stackId="r" fill={COLORS.succeeded} isAnimationActive={false} />
        <Bar dataKey="with warnings" stackId="r" fill={COLORS.warned} isAnimationActive={false} />
        <Bar dataKey="failed" stackId="r" fill={COLORS.failed} isAnimationActive={false} />
        <Bar dataKey="cancelled" stackId="r" fill={COLORS.cancelled} isAnimationActive={false} />
      </BarChart>
    </Frame>
  );
}

export function TestsChart({ daily }: { daily: TDayPoint[] }) {
  const data = daily.map((d) => ({ day: shortDay(d.day), ...d.tests }));
  return (
    <Frame title="Test results per day" testId="chart-tests">
      <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -20 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="day" tick={{ fontSize: 10 }} interval="preserveStartEnd" />
        <YAxis tick={{ fontSize: 10 }} allowDecimals={false} />
        <Tooltip />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        <Bar dataKey="passed" stackId="t" fill={COLORS.succeeded} isAnimationActive={false} />
        <Bar dataKey="warned" stackId="t" fill={COLORS.warned} isAnimationActive={false} />
        <Bar dataKey="failed" stackId="t" fill={COLORS.failed} isAnimationActive={false} />
        <Bar dataKey="error" stackId="t" fill={COLORS.error} isAnimationActive={false} />
      </BarChart>
    </Frame>
  );
}

export function DurationChart({ daily }: { daily: TDayPoint[] }) {
  const data = daily.map((d) => ({ day: shortDay(d.day), seconds: d.avgDurationMs === null ? null : Math.round(d.avgDurationMs / 100) / 10 }));
  return (
    <Frame title="Mean run duration (s)" testId="chart-duration">
      <LineChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -20 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="day" tick={{ fontSize: 10 }} interval="preserveStartEnd" />
        <YAxis tick={{ fontSize: 10 }} />
        <Tooltip />
        <Line type="monotone" dataKey="seconds" stroke={COLORS.duration} dot={false} connectNulls isAnimationActive={false} />
      </LineChart>
    </Frame>
  );
}
