import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ZControlChartParams } from "@galley/dashboards/schemas";
import { isAppError } from "@galley/core";
import { AppHeader } from "@/components/app-header";
import { ControlChart } from "@/components/dashboard/control-chart";
import { VerdictBadge } from "@/components/dashboard/dashboard-tables";
import { Unavailable } from "@/components/unavailable";
import { requireUser } from "@/lib/current-user";
import { controlChartFor } from "@/lib/dashboard-deps";
import { timeAgo } from "@/lib/format";
import { load } from "@/lib/page-data";

type Props = PageProps<"/kitchens/[name]/pipelines/[pipeline]/tests/[node]/[test]">;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { pipeline, node, test } = await params;
  return { title: `${decodeURIComponent(test)} · ${pipeline}.${node}` };
}

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en") : String(Math.round(v * 1000) / 1000));

export default async function TestPage({ params }: Props) {
  const p = await params;
  const session = await load("your session", requireUser);
  if (!session.ok) return <Unavailable what={session.reason} />;
  const user = session.value;
  const parsed = ZControlChartParams.safeParse({ k: p.name, p: p.pipeline, node: p.node, test: decodeURIComponent(p.test) });
  if (!parsed.success) notFound();
  const data = await load("this test's history", () =>
    controlChartFor(user, parsed.data, 1000).catch((e: unknown) => {
      if (isAppError(e) && e.code === "not_found") notFound();
      throw e;
    }),
  );
  if (!data.ok) return <Unavailable what={data.reason} />;
  const c = data.value;
  const latest = c.summary.latest;
  const broken = c.points.filter((x) => x.broke).slice(-20).reverse();
  const now = new Date();
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-6xl space-y-6 px-6 py-8">
        <nav className="text-sm text-slate-500">
          <Link href="/dashboard" className="hover:underline">Dashboard</Link> /{" "}
          <Link href={`/kitchens/${c.kitchen}/pipelines/${c.pipeline}`} className="font-mono hover:underline">{c.kitchen} · {c.pipeline}</Link> /{" "}
          <span className="font-mono">{c.node}</span> / <span className="font-mono text-slate-900">{c.test}</span>
        </nav>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="font-mono text-2xl font-semibold text-slate-900">{c.test}</h1>
          {latest && <VerdictBadge verdict={latest.verdict} />}
          <span className="text-sm text-slate-500">{c.kind} test on node <span className="font-mono">{c.node}</span>, level {c.level}</span>
        </div>
        <dl className="grid grid-cols-2 gap-3 text-sm md:grid-cols-5" data-testid="control-summary">
          <div className="rounded-lg border border-slate-200 bg-white px-3 py-2"><dt className="text-xs text-slate-500">newest value</dt><dd className="font-semibold tabular-nums">{fmt(latest?.value)}</dd></div>
          <div className="rounded-lg border border-slate-200 bg-white px-3 py-2"><dt className="text-xs text-slate-500">mean</dt><dd className="font-semibold tabular-nums">{fmt(latest?.mean)}</dd></div>
          <div className="rounded-lg border border-slate-200 bg-white px-3 py-2"><dt className="text-xs text-slate-500">limits</dt><dd className="font-semibold tabular-nums">{fmt(latest?.lower)} … {fmt(latest?.upper)}</dd></div>
          <div className="rounded-lg border border-slate-200 bg-white px-3 py-2"><dt className="text-xs text-slate-500">points</dt><dd className="font-semibold tabular-nums">{c.summary.points}</dd></div>
          <div className="rounded-lg border border-slate-200 bg-white px-3 py-2"><dt className="text-xs text-slate-500">broke a rule</dt><dd className={`font-semibold tabular-nums ${c.summary.broke ? "text-rose-700" : ""}`} data-testid="broken-count">{c.summary.broke}</dd></div>
        </dl>
        <ControlChart points={c.points.map((x) => ({ at: x.at.toISOString(), runId: x.runId, value: x.value, mean: x.mean, lower: x.lower, upper: x.upper, verdict: x.verdict, rule: x.rule, broke: x.broke }))} />
        <p className="text-xs text-slate-500">
          Limits are the ones each evaluation used, learned from the runs before it (mean ± k·σ), so they move as history grows.
          {Object.keys(c.summary.rules).length > 0 && <> Rules broken: {Object.entries(c.summary.rules).map(([r, n]) => `${r} (${n})`).join(", ")}.</>}
        </p>
        {broken.length > 0 && (
          <section>
            <h2 className="mb-2 text-sm font-semibold text-slate-900">Points that broke a rule (newest first)</h2>
            <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm" data-testid="broken-points-list">
              {broken.map((x) => (
                <li key={x.id} className="flex flex-wrap items-center gap-3 px-3 py-2">
                  <VerdictBadge verdict={x.verdict} />
                  <span className="tabular-nums">{fmt(x.value)}</span>
                  <span className="font-mono text-xs text-rose-700">{x.rule ?? ""}</span>
                  <span className="text-xs text-slate-500">{x.message}</span>
                  <Link href={`/runs/${x.runId}`} className="ml-auto text-xs underline">run, {timeAgo(x.at, now)}</Link>
                </li>
              ))}
            </ul>
          </section>
        )}
      </main>
    </>
  );
}
