import type { Metadata } from "next";
import Link from "next/link";
import { ZDashboardQuery, type TDashboard } from "@galley/dashboards/schemas";
import { AppHeader } from "@/components/app-header";
import { PipelinesTable, TestsTable } from "@/components/dashboard/dashboard-tables";
import { DurationChart, RunsChart, TestsChart } from "@/components/dashboard/trend-charts";
import { Unavailable } from "@/components/unavailable";
import { requireUser } from "@/lib/current-user";
import { dashboardFor } from "@/lib/dashboard-deps";
import { load } from "@/lib/page-data";

export const metadata: Metadata = { title: "Dashboard" };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
const pct = (r: number | null) => (r === null ? "–" : `${Math.round(r * 1000) / 10}%`);

function Tile({ label, value, note, tone = "slate", testId }: { label: string; value: string; note?: string; tone?: "slate" | "good" | "bad" | "warn"; testId?: string }) {
  const colour = { slate: "text-slate-900", good: "text-emerald-700", bad: "text-rose-700", warn: "text-amber-700" }[tone];
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3" data-testid={testId}>
      <div className="text-xs text-slate-500">{label}</div>
      <div className={`mt-1 text-2xl font-semibold tabular-nums ${colour}`}>{value}</div>
      {note && <div className="mt-0.5 text-xs text-slate-500">{note}</div>}
    </div>
  );
}

function Filters({ d, q }: { d: TDashboard; q: { environment?: string; kitchen?: string; pipeline?: string } }) {
  const select = "mt-1 rounded border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900";
  return (
    <form method="get" className="flex flex-wrap items-end gap-3 text-sm" data-testid="dashboard-filters">
      <label className="flex flex-col text-xs text-slate-500">environment
        <select name="environment" defaultValue={q.environment ?? ""} className={select}>
          <option value="">all</option>
          {d.filters.environments.map((e) => <option key={e} value={e}>{e}</option>)}
        </select>
      </label>
      <label className="flex flex-col text-xs text-slate-500">Kitchen
        <select name="kitchen" defaultValue={q.kitchen ?? ""} className={`${select} font-mono`}>
          <option value="">all</option>
          {d.filters.kitchens.map((k) => <option key={k.name} value={k.name}>{k.name}</option>)}
        </select>
      </label>
      <label className="flex flex-col text-xs text-slate-500">pipeline
        <select name="pipeline" defaultValue={q.pipeline ?? ""} className={`${select} font-mono`}>
          <option value="">all</option>
          {d.filters.pipelines.map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
      </label>
      <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">Filter</button>
      {(q.environment || q.kitchen || q.pipeline) && <Link href="/dashboard" className="text-xs underline">clear</Link>}
    </form>
  );
}

/** /dashboard with the current query changed by `set` (empty values left out). */
function hrefWith(raw: Record<string, string | undefined>, set: Record<string, string | undefined>): string {
  const entries = Object.entries({ ...raw, ...set }).filter((e): e is [string, string] => Boolean(e[1]));
  return entries.length ? `/dashboard?${new URLSearchParams(entries)}` : "/dashboard";
}

function Pager({ page, raw }: { page: TDashboard["pipelinesPage"]; raw: Record<string, string | undefined> }) {
  if (page.total <= page.limit && page.offset === 0) return null;
  const last = Math.min(page.offset + page.limit, page.total);
  const prev = Math.max(0, page.offset - page.limit);
  return (
    <div className="mt-2 flex items-center gap-3 text-xs text-slate-600" data-testid="pipelines-pager">
      <span>{page.total === 0 ? "none" : `${page.offset + 1}–${last} of ${page.total}`}</span>
      {page.offset > 0 && <Link className="underline" href={hrefWith(raw, { offset: prev ? String(prev) : undefined })}>previous</Link>}
      {last < page.total && <Link className="underline" href={hrefWith(raw, { offset: String(last) })}>next</Link>}
    </div>
  );
}

export default async function DashboardPage({ searchParams }: PageProps<"/dashboard">) {
  const sp = await searchParams;
  const session = await load("your session", requireUser);
  if (!session.ok) return <Unavailable what={session.reason} />;
  const user = session.value;
  const raw = { environment: one(sp.environment), kitchen: one(sp.kitchen), pipeline: one(sp.pipeline), tests: one(sp.tests), offset: one(sp.offset) };
  const parsed = ZDashboardQuery.safeParse(raw);
  const q = parsed.success ? parsed.data : ZDashboardQuery.parse({});
  const data = await load("the dashboard", () => dashboardFor(user, q));
  if (!data.ok) return <Unavailable what={data.reason} />;
  const d = data.value;
  const now = new Date();
  const t = d.totals;
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-6xl space-y-6 px-6 py-8">
        <div className="flex flex-wrap items-end justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold text-slate-900">Dashboard</h1>
            <p className="text-sm text-slate-600">Is our data on time and right? Every pipeline you may see, over the last {d.days} days.</p>
          </div>
          <Filters d={d} q={q} />
        </div>
        {!parsed.success && <p className="text-xs text-rose-700">Some filters were not understood and were left out: {parsed.error.issues.map((i) => i.message).join("; ")}</p>}
        <section className="grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-6" data-testid="dashboard-totals">
          <Tile label="pipelines" value={String(t.pipelines)} note={t.failing ? `${t.failing} failing now` : "none failing now"} tone={t.failing ? "bad" : "good"} testId="tile-pipelines" />
          <Tile label="success, 7 days" value={pct(t.successRate7d)} tone={t.successRate7d === null ? "slate" : t.successRate7d >= 0.95 ? "good" : "warn"} testId="tile-success-7d" />
          <Tile label="success, 30 days" value={pct(t.successRate30d)} />
          <Tile label="runs, 7 days" value={String(t.runs7d)} />
          <Tile label="test results, 7 days" value={String(t.tests7d.passed + t.tests7d.warned + t.tests7d.failed + t.tests7d.error)} note={`${t.tests7d.warned} warned · ${t.tests7d.failed} failed`} tone={t.tests7d.failed ? "bad" : t.tests7d.warned ? "warn" : "good"} />
          <Tile label="tests not passing now" value={String(t.testsNotPassing)} tone={t.testsNotPassing ? "bad" : "good"} testId="tile-tests-not-passing" />
        </section>
        <section className="grid gap-3 lg:grid-cols-3">
          <RunsChart daily={d.daily} />
          <TestsChart daily={d.daily} />
          <DurationChart daily={d.daily} />
        </section>
        <section>
          <h2 className="mb-2 text-sm font-semibold text-slate-900">Pipelines</h2>
          <PipelinesTable rows={d.pipelines} now={now} />
          <Pager page={d.pipelinesPage} raw={raw} />
        </section>
        <section>
          <h2 className="mb-2 text-sm font-semibold text-slate-900">Tests <span className="font-normal text-slate-500">(not passing first; open one for its control chart)</span></h2>
          <TestsTable rows={d.tests} now={now} />
          {d.tests.length === q.tests && q.tests < 100 && (
            <Link href={hrefWith(raw, { tests: "100" })} className="mt-2 inline-block text-xs underline" data-testid="more-tests">
              show up to 100 tests
            </Link>
          )}
        </section>
      </main>
    </>
  );
}
