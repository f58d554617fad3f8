import type { Metadata } from "next";
import Link from "next/link";
import { AppHeader } from "@/components/app-header";
import { EnvironmentBadge } from "@/components/badges";
import { Denied, guard } from "@/components/runs/page-access";
import { PipelineErrors } from "@/components/runs/pipeline-errors";
import { StatusBadge } from "@/components/runs/status-badge";
import { Unavailable } from "@/components/unavailable";
import { requireUser } from "@/lib/current-user";
import { db } from "@/lib/deps";
import { timeAgo } from "@/lib/format";
import { load } from "@/lib/page-data";
import { listPipelines } from "@/lib/read-models/pipelines";
import { getKitchenForUserOrThrow, maskUnlessAllowed } from "@/lib/runs-deps";

export async function generateMetadata({ params }: PageProps<"/kitchens/[name]/pipelines">): Promise<Metadata> {
  return { title: `Pipelines · ${(await params).name}` };
}

export default async function PipelinesPage({ params }: PageProps<"/kitchens/[name]/pipelines">) {
  const { name } = await params;
  const session = await load("your session", requireUser);
  if (!session.ok) return <Unavailable what={session.reason} />;
  const user = session.value;
  const data = await load("this Kitchen's pipelines", async () => {
    const access = await guard(() => getKitchenForUserOrThrow(db(), { name }, user, "read_runs"));
    if (!access.ok) return access;
    return { ok: true as const, value: { kitchen: access.value, list: maskUnlessAllowed(user, access.value, await listPipelines(db(), access.value)) } };
  });
  if (!data.ok) return <Unavailable what={data.reason} />;
  if (!data.value.ok) return <><AppHeader user={user} /><Denied message={data.value.message} /></>;
  const { kitchen, list } = data.value.value;
  const now = new Date();
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-5xl px-6 py-8">
        <nav className="mb-4 text-sm text-slate-500">
          <Link href="/" className="hover:underline">Kitchens</Link> /{" "}
          <Link href={`/kitchens/${kitchen.name}`} className="font-mono hover:underline">{kitchen.name}</Link> / <span className="text-slate-900">pipelines</span>
        </nav>
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="text-2xl font-semibold text-slate-900">Pipelines</h1>
          <EnvironmentBadge name={kitchen.environment.name} kind={kitchen.environment.kind} />
          <span className="text-sm text-slate-500">
            on branch <span className="font-mono">{kitchen.branch}</span> at <span className="font-mono" title={list.head}>{list.head.slice(0, 8)}</span>
          </span>
          <Link href={`/runs?kitchen=${kitchen.name}`} className="ml-auto text-sm font-medium text-slate-900 underline">Run history</Link>
        </div>
        {list.pipelines.length === 0 ? (
          <p className="mt-6 rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">
            No pipelines on this branch yet. A pipeline is a file <span className="font-mono">pipelines/&lt;name&gt;/pipeline.yaml</span>.
          </p>
        ) : (
          <ul className="mt-6 space-y-3" data-testid="pipelines">
            {list.pipelines.map((p) => (
              <li key={p.name} className="rounded-lg border border-slate-200 bg-white px-4 py-3" data-testid="pipeline-row" data-pipeline={p.name}>
                <div className="flex flex-wrap items-center gap-3">
                  <Link href={`/kitchens/${kitchen.name}/pipelines/${p.name}`} className="font-mono font-semibold text-slate-900 hover:underline">{p.name}</Link>
                  <span className="text-xs text-slate-500">{p.errors.length && !p.nodes ? "does not parse" : `${p.nodes} node${p.nodes === 1 ? "" : "s"}`}</span>
                  {p.errors.length > 0 && <span className="rounded-full bg-rose-50 px-2 py-0.5 text-xs font-medium text-rose-700 ring-1 ring-rose-200 ring-inset">{p.errors.length} error{p.errors.length === 1 ? "" : "s"}</span>}
                  <span className="ml-auto flex items-center gap-2 text-xs text-slate-500">
                    {p.lastRun ? (
                      <Link href={`/runs/${p.lastRun.id}`} className="flex items-center gap-2 hover:underline">
                        last run <StatusBadge status={p.lastRun.status} kind="run" warnings={p.lastRun.warnings} /> {timeAgo(p.lastRun.createdAt, now)}
                      </Link>
                    ) : "never run here"}
                  </span>
                </div>
                {p.description && <p className="mt-1 text-sm text-slate-600">{p.description}</p>}
                {p.errors.length > 0 && <div className="mt-2"><PipelineErrors errors={p.errors} limit={3} /></div>}
              </li>
            ))}
          </ul>
        )}
      </main>
    </>
  );
}
