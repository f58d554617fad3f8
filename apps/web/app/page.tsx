import type { Metadata } from "next";
import { AppHeader } from "@/components/app-header";
import { EnvironmentList } from "@/components/environment-list";
import { HealthBanner } from "@/components/health-banner";
import { KitchenTree } from "@/components/kitchen-tree";
import { OperationsNotice } from "@/components/kitchens/operations-notice";
import { Unavailable } from "@/components/unavailable";
import { requireUser } from "@/lib/current-user";
import { db } from "@/lib/deps";
import { checkHealthCached } from "@/lib/health";
import { load } from "@/lib/page-data";
import { findInterruptedOperations } from "@galley/kitchens";
import { listEnvironments } from "@/lib/read-models/environments";
import { kitchenTreeViewFor } from "@/lib/read-models/kitchens";

export const metadata: Metadata = { title: "Home" };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.slice(0, 100);

export default async function HomePage({ searchParams }: PageProps<"/">) {
  const sp = await searchParams;
  const session = await load("your session", requireUser);
  if (!session.ok) return <Unavailable what={session.reason} />;
  const user = session.value;
  const [health, data] = await Promise.all([
    checkHealthCached(),
    load("the Kitchen tree", async () => ({
      // Bounded whatever the number of Kitchens: ?q= searches, ?under= pages one Kitchen's children.
      kitchens: await kitchenTreeViewFor(user, { q: one(sp.q), under: one(sp.under), after: one(sp.after) }),
      environments: await listEnvironments(db()),
      operations: await findInterruptedOperations(db(), user.id),
    })),
  ]);
  return (
    <>
      <AppHeader user={user} />
      <HealthBanner health={health} />
      {!data.ok ? (
        <Unavailable what={data.reason} />
      ) : (
        <main className="mx-auto grid max-w-6xl gap-8 px-6 py-8 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <section aria-labelledby="kitchens-heading">
            <div className="mb-3 flex items-baseline justify-between">
              <h2 id="kitchens-heading" className="text-base font-semibold text-slate-900">Kitchens</h2>
              <span className="text-xs text-slate-500">workspaces, each with its branch and schema</span>
            </div>
            <OperationsNotice operations={data.value.operations} />
            <KitchenTree view={data.value.kitchens} userId={user.id} />
          </section>
          <section aria-labelledby="environments-heading">
            <div className="mb-3 flex items-baseline justify-between">
              <h2 id="environments-heading" className="text-base font-semibold text-slate-900">Release environments</h2>
            </div>
            <EnvironmentList environments={data.value.environments} />
          </section>
        </main>
      )}
    </>
  );
}
