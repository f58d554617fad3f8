import type { Metadata } from "next";
import { layoutDag } from "@galley/pipelines";
import { AppHeader } from "@/components/app-header";
import { Unavailable } from "@/components/unavailable";
import { DAG_LAYOUT } from "@/components/runs/dag-view";
import { Denied, guard } from "@/components/runs/page-access";
import { RunLive } from "@/components/runs/run-live";
import { toWire } from "@/components/runs/types";
import { requireUser } from "@/lib/current-user";
import { db } from "@/lib/deps";
import { load } from "@/lib/page-data";
import { WORKER_STALE_MS } from "@/lib/health";
import { getRunDetail } from "@/lib/read-models/runs";
import { waitingForPool } from "@/lib/read-models/worker-pools";
import { getKitchenForUserOrThrow, getRunForUserOrThrow, maskUnlessAllowed } from "@/lib/runs-deps";
import { notFound } from "next/navigation";

export const metadata: Metadata = { title: "Run" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function RunPage({ params }: PageProps<"/runs/[id]">) {
  const { id } = await params;
  const session = await load("your session", requireUser);
  if (!session.ok) return <Unavailable what={session.reason} />;
  const user = session.value;
  if (!UUID.test(id)) notFound();
  const data = await load("this run", async () => {
    const access = await guard(() => getRunForUserOrThrow(db(), id, user, "read_runs"));
    if (!access.ok) return access;
    const canRun = await getKitchenForUserOrThrow(db(), { id: access.value.kitchen.id }, user, "run").then(() => true, () => false);
    const waiting = await waitingForPool(db(), id, WORKER_STALE_MS);
    return { ok: true as const, value: { detail: maskUnlessAllowed(user, access.value.kitchen, await getRunDetail(db(), id)), canRun, waiting } };
  });
  if (!data.ok) return <Unavailable what={data.reason} />;
  if (!data.value.ok) return <><AppHeader user={user} /><Denied message={data.value.message} /></>;
  const { detail, canRun, waiting } = data.value.value;
  const layout = layoutDag({ nodes: Object.entries(detail.run.deps).map(([nodeId, deps]) => ({ id: nodeId, depends_on: deps })) }, DAG_LAYOUT);
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-6xl px-6 py-8">
        <RunLive initial={toWire(detail)} layout={layout} canRun={canRun} renderedAt={Date.now()} waiting={waiting} />
      </main>
    </>
  );
}
