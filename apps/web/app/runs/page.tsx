import type { Metadata } from "next";
import Link from "next/link";
import { AppHeader } from "@/components/app-header";
import { Denied, guard } from "@/components/runs/page-access";
import { RunsTable } from "@/components/runs/runs-table";
import { Unavailable } from "@/components/unavailable";
import { requireUser } from "@/lib/current-user";
import { db } from "@/lib/deps";
import { load } from "@/lib/page-data";
import { listRuns, pipelinesWithRuns } from "@/lib/read-models/runs";
import { listKitchensForUser } from "@/lib/read-models/kitchens";
import { kitchenAccess } from "@galley/auth/policy";
import { getKitchenForUserOrThrow } from "@/lib/runs-deps";
import { RUN_STATUSES, ZRunsQuery } from "@/lib/runs-schemas";

export const metadata: Metadata = { title: "Runs" };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

export default async function RunsPage({ searchParams }: PageProps<"/runs">) {
  const sp = await searchParams;
  const session = await load("your session", requireUser);
  if (!session.ok) return <Unavailable what={session.reason} />;
  const user = session.value;
  const kitchenName = one(sp.kitchen);
  const parsed = ZRunsQuery.safeParse({ pipeline: one(sp.pipeline), status: one(sp.status), before: one(sp.before), limit: 100 });
  const filters = parsed.success ? parsed.data : { limit: 100 };
  const data = await load("runs", async () => {
    if (!kitchenName) {
      const mine = (await listKitchensForUser(db(), user)).filter((k) => kitchenAccess(user, {
        name: k.name, isPrivate: k.isPrivate, environmentKind: k.environmentKind, staff: k.staff.map((s) => ({ userId: s.id, isOwner: s.isOwner })),
      }).canReadRuns);
      return { ok: true as const, value: { kind: "choose" as const, kitchens: mine.map((k) => k.name) } };
    }
    const access = await guard(() => getKitchenForUserOrThrow(db(), { name: kitchenName, orDeleted: true }, user, "read_runs"));
    if (!access.ok) return access;
    const [pipelines, page] = await Promise.all([pipelinesWithRuns(db(), access.value.id), listRuns(db(), access.value.id, filters)]);
    return { ok: true as const, value: { kind: "list" as const, runs: page.runs, nextCursor: page.nextCursor, pipelines, deletedAt: access.value.deletedAt } };
  });
  if (!data.ok) return <Unavailable what={data.reason} />;
  if (!data.value.ok) return <><AppHeader user={user} /><Denied message={data.value.message} /></>;
  const v = data.value.value;
  const deletedAt = v.kind === "list" ? v.deletedAt : null;
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-6xl px-6 py-8">
        <nav className="mb-4 text-sm text-slate-500">
          <Link href="/" className="hover:underline">Kitchens</Link> /{" "}
          {kitchenName && <>{deletedAt ? <span className="font-mono">{kitchenName}</span> : <Link href={`/kitchens/${kitchenName}`} className="font-mono hover:underline">{kitchenName}</Link>} / </>}
          <span className="text-slate-900">runs</span>
        </nav>
        <h1 className="text-2xl font-semibold text-slate-900">Run history{kitchenName && <> of <span className="font-mono">{kitchenName}</span></>}</h1>
        {deletedAt && (
          <p className="mt-2 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700" data-testid="kitchen-deleted">
            Kitchen <span className="font-mono">{kitchenName}</span> was deleted on {deletedAt.toISOString().slice(0, 16).replace("T", " ")} UTC: its branch and schema are gone, its runs stay here as history.
          </p>
        )}
        {v.kind === "choose" ? (
          <div className="mt-6">
            <p className="text-sm text-slate-600">Choose a Kitchen:</p>
            <ul className="mt-2 flex flex-wrap gap-2">
              {v.kitchens.map((k) => <li key={k}><Link href={`/runs?kitchen=${k}`} className="rounded border border-slate-200 bg-white px-3 py-1.5 font-mono text-sm hover:bg-slate-50">{k}</Link></li>)}
              {v.kitchens.length === 0 && <li className="text-sm text-slate-500">You are on no Kitchen&apos;s staff yet.</li>}
            </ul>
          </div>
        ) : (
          <>
            <form method="get" className="mt-4 flex flex-wrap items-end gap-3 text-sm" data-testid="run-filters">
              <input type="hidden" name="kitchen" value={kitchenName} />
              <label className="flex flex-col text-xs text-slate-500">
                pipeline
                <select name="pipeline" defaultValue={filters.pipeline ?? ""} className="mt-1 rounded border border-slate-300 bg-white px-2 py-1 font-mono text-sm text-slate-900">
                  <option value="">all</option>
                  {v.pipelines.map((p) => <option key={p} value={p}>{p}</option>)}
                </select>
              </label>
              <label className="flex flex-col text-xs text-slate-500">
                status
                <select name="status" defaultValue={filters.status ?? ""} className="mt-1 rounded border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900">
                  <option value="">any</option>
                  {RUN_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
                </select>
              </label>
              <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">Filter</button>
              {(filters.pipeline || filters.status) && <Link href={`/runs?kitchen=${kitchenName}`} className="text-xs underline">clear</Link>}
              {!deletedAt && <Link href={`/kitchens/${kitchenName}/pipelines`} className="ml-auto text-sm underline">Pipelines</Link>}
            </form>
            {!parsed.success && <p className="mt-2 text-xs text-rose-700">Some filters were not understood and were left out.</p>}
            <div className="mt-4"><RunsTable runs={v.runs} empty="No runs match." /></div>
            <nav className="mt-3 flex gap-4 text-sm" aria-label="pages">
              {filters.before && <Link href={`/runs?${new URLSearchParams({ kitchen: kitchenName!, ...(filters.pipeline ? { pipeline: filters.pipeline } : {}), ...(filters.status ? { status: filters.status } : {}) })}`} className="underline">Newest runs</Link>}
              {v.nextCursor && <Link data-testid="older-runs" href={`/runs?${new URLSearchParams({ kitchen: kitchenName!, ...(filters.pipeline ? { pipeline: filters.pipeline } : {}), ...(filters.status ? { status: filters.status } : {}), before: v.nextCursor })}`} className="underline">Older runs →</Link>}
            </nav>
          </>
        )}
      </main>
    </>
  );
}
