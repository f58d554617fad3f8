import type { Metadata } from "next";
import { listWorkers } from "@galley/workers";
import { AppHeader } from "@/components/app-header";
import { Unavailable } from "@/components/unavailable";
import { Denied, guard } from "@/components/runs/page-access";
import type { WorkersWire } from "@/components/workers/api";
import { WorkersAdmin } from "@/components/workers/workers-admin";
import { requireUser } from "@/lib/current-user";
import { db } from "@/lib/deps";
import { WORKER_STALE_MS } from "@/lib/health";
import { load } from "@/lib/page-data";
import { assertManageWorkers } from "@/lib/workers-deps";

export const metadata: Metadata = { title: "Workers" };

/** Admins only: every worker host, its credential and its pool; issue and revoke credentials. */
export default async function WorkersPage() {
  const session = await load("your session", requireUser);
  if (!session.ok) return <Unavailable what={session.reason} />;
  const user = session.value;
  const data = await load("the workers", () => guard(async () => {
    assertManageWorkers(user);
    return listWorkers(db(), WORKER_STALE_MS);
  }));
  if (!data.ok) return <Unavailable what={data.reason} />;
  if (!data.value.ok) return <><AppHeader user={user} /><Denied message={data.value.message} /></>;
  // Dates cross to the client component as ISO strings, as the API sends them.
  const initial = JSON.parse(JSON.stringify(data.value.value)) as WorkersWire;
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-6xl px-6 py-8">
        <h1 className="text-2xl font-semibold text-slate-900">Workers</h1>
        <p className="mt-1 text-sm text-slate-600">Worker hosts by pool. See docs/operations.md, &ldquo;Worker hosts&rdquo;, for adding, draining and pinning them.</p>
        <WorkersAdmin initial={initial} />
      </main>
    </>
  );
}
