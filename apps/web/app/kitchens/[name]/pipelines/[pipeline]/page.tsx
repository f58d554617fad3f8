import { AppError } from "@galley/core";
import type { Metadata } from "next";
import Link from "next/link";
import { AppHeader } from "@/components/app-header";
import { EnvironmentBadge } from "@/components/badges";
import { DAG_LAYOUT } from "@/components/runs/dag-view";
import { Denied, guard } from "@/components/runs/page-access";
import { PipelineErrors } from "@/components/runs/pipeline-errors";
import { PipelineGraph, type GraphNode } from "@/components/runs/pipeline-graph";
import { RunForm } from "@/components/runs/run-form";
import { RunsTable } from "@/components/runs/runs-table";
import { Unavailable } from "@/components/unavailable";
import { requireUser } from "@/lib/current-user";
import { db } from "@/lib/deps";
import { load } from "@/lib/page-data";
import { getPipelineDetail } from "@/lib/read-models/pipelines";
import { listRuns, nodeStatusesOf } from "@/lib/read-models/runs";
import { getKitchenForUserOrThrow, maskUnlessAllowed } from "@/lib/runs-deps";
import { PIPELINE_NAME_RE } from "@/lib/runs-schemas";
import { notFound } from "next/navigation";

type Props = PageProps<"/kitchens/[name]/pipelines/[pipeline]">;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name, pipeline } = await params;
  return { title: `${pipeline} · ${name}` };
}

async function loadPage(name: string, pipeline: string, user: Awaited<ReturnType<typeof requireUser>>) {
  const access = await guard(() => getKitchenForUserOrThrow(db(), { name }, user, "read_runs"));
  if (!access.ok) return access;
  const kitchen = access.value;
  const blockedReason = await getKitchenForUserOrThrow(db(), { name }, user, "run").then(() => null, (e: Error) => e.message);
  // A pipeline that is not on the branch is a 404 page, not an error.
  const detailOrMissing = getPipelineDetail(db(), kitchen, pipeline, DAG_LAYOUT).then((d) => maskUnlessAllowed(user, kitchen, d), (e: unknown) => {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  });
  const [detail, runs] = await Promise.all([detailOrMissing, listRuns(db(), kitchen.id, { pipeline, limit: 10 }).then((p) => p.runs)]);
  const statuses = runs[0] ? await nodeStatusesOf(db(), runs[0].id) : {};
  return { ok: true as const, value: { kitchen, detail, runs, statuses, blockedReason } };
}

export default async function PipelinePage({ params }: Props) {
  const { name, pipeline } = await params;
  const session = await load("your session", requireUser);
  if (!session.ok) return <Unavailable what={session.reason} />;
  const user = session.value;
  if (!PIPELINE_NAME_RE.test(pipeline)) notFound();
  const data = await load("this pipeline", () => loadPage(name, pipeline, user));
  if (!data.ok) return <Unavailable what={data.reason} />;
  if (!data.value.ok) return <><AppHeader user={user} /><Denied message={data.value.message} /></>;
  const { kitchen, detail, runs, statuses, blockedReason } = data.value.value;
  const p = detail.pipeline;
  const parameters = Object.entries(detail.parameters).map(([n, v]) => ({ name: n, value: v.value, source: v.source, description: p?.parameters[n]?.description }));
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-6xl px-6 py-8">
        <nav className="mb-4 text-sm text-slate-500">
          <Link href="/" className="hover:underline">Kitchens</Link> /{" "}
          <Link href={`/kitchens/${kitchen.name}`} className="font-mono hover:underline">{kitchen.name}</Link> /{" "}
          <Link href={`/kitchens/${kitchen.name}/pipelines`} className="hover:underline">pipelines</Link> / <span className="font-mono text-slate-900">{pipeline}</span>
        </nav>
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="font-mono text-2xl font-semibold text-slate-900">{pipeline}</h1>
          <EnvironmentBadge name={kitchen.environment.name} kind={kitchen.environment.kind} />
          <span className="text-sm text-slate-500">
            <span className="font-mono">pipelines/{pipeline}/pipeline.yaml</span> on <span className="font-mono">{kitchen.branch}</span> at{" "}
            <span className="font-mono" title={detail.head}>{detail.head.slice(0, 8)}</span>
          </span>
        </div>
        {p?.description && <p className="mt-2 text-slate-700">{p.description}</p>}
        {detail.errors.length > 0 && (
          <section className="mt-4">
            <h2 className="mb-1 text-sm font-semibold text-rose-800">This pipeline cannot run until these are fixed</h2>
            <PipelineErrors errors={detail.errors} />
          </section>
        )}
        <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
          <div className="min-w-0 space-y-6">
            {p && detail.layout && (
              <section>
                <div className="mb-2 flex items-baseline gap-3">
                  <h2 className="text-sm font-semibold text-slate-900">Graph</h2>
                  <span className="text-xs text-slate-500">{runs[0] ? <>coloured by the <Link href={`/runs/${runs[0].id}`} className="underline">last run</Link></> : "not run in this Kitchen yet"} · click a node for its definition</span>
                </div>
                <PipelineGraph layout={detail.layout} nodes={p.nodes as unknown as GraphNode[]} statuses={statuses} lastRunId={runs[0]?.id ?? null} addTest={{ kitchen: kitchen.name, pipeline, head: detail.head }} />
              </section>
            )}
            {parameters.length > 0 && (
              <section>
                <h2 className="mb-2 text-sm font-semibold text-slate-900">Parameters</h2>
                <table className="w-full rounded-lg border border-slate-200 bg-white text-sm" data-testid="parameters">
                  <thead className="bg-slate-50 text-left text-xs text-slate-500">
                    <tr><th className="px-3 py-2 font-medium">name</th><th className="px-3 py-2 font-medium">value</th><th className="px-3 py-2 font-medium">source</th><th className="px-3 py-2 font-medium">description</th></tr>
                  </thead>
                  <tbody>
                    {parameters.map((x) => (
                      <tr key={x.name} className="border-t border-slate-100">
                        <td className="px-3 py-2 font-mono">{x.name}</td>
                        <td className="px-3 py-2 font-mono">{JSON.stringify(x.value)}</td>
                        <td className="px-3 py-2"><span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{x.source === "kitchen" ? `Kitchen ${kitchen.name}` : x.source}</span></td>
                        <td className="px-3 py-2 text-slate-600">{x.description}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            )}
            <section>
              <div className="mb-2 flex items-baseline gap-3">
                <h2 className="text-sm font-semibold text-slate-900">Recent runs</h2>
                <Link href={`/runs?kitchen=${kitchen.name}&pipeline=${pipeline}`} className="text-xs underline">all runs of {pipeline}</Link>
              </div>
              <RunsTable runs={runs} showPipeline={false} empty="Not run in this Kitchen yet." />
            </section>
          </div>
          <aside>
            <h2 className="mb-2 text-sm font-semibold text-slate-900">Run it in {kitchen.name}</h2>
            <RunForm
              kitchen={kitchen.name}
              pipeline={pipeline}
              parameters={parameters}
              nodes={p?.nodes.map((n) => n.id) ?? []}
              variations={Object.entries(p?.variations ?? {}).map(([v, x]) => ({ name: v, description: x.description }))}
              blockedReason={blockedReason}
            />
          </aside>
        </div>
      </main>
    </>
  );
}
