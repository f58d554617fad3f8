import type { Metadata } from "next";
import Link from "next/link";
import { AppHeader } from "@/components/app-header";
import { EnvironmentBadge } from "@/components/badges";
import { Unavailable } from "@/components/unavailable";
import { requireUser } from "@/lib/current-user";
import { db } from "@/lib/deps";
import { load } from "@/lib/page-data";
import { listEnvironments } from "@/lib/read-models/environments";

export const metadata: Metadata = { title: "Environments" };

/** Release environments: where each points and how many Kitchens use it. Vaults are on each page. */
export default async function EnvironmentsPage() {
  const session = await load("your session", requireUser);
  if (!session.ok) return <Unavailable what={session.reason} />;
  const envs = await load("the environments", () => listEnvironments(db()));
  return (
    <>
      <AppHeader user={session.value} />
      <main className="mx-auto max-w-6xl px-6 py-8">
        <h1 className="text-2xl font-semibold text-slate-900">Environments</h1>
        {!envs.ok ? (
          <Unavailable what={envs.reason} />
        ) : (
          <ul className="mt-4 divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" data-testid="environment-list">
            {envs.value.map((e) => (
              <li key={e.id} className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
                <Link href={`/environments/${e.name}`} className="font-mono font-medium text-sky-700 underline">{e.name}</Link>
                <EnvironmentBadge name={e.name} kind={e.kind} />
                <span className="text-slate-600">{e.warehouse.kind} {e.warehouse.host}:{e.warehouse.port}/{e.warehouse.database}</span>
                <span className="text-slate-500">{e.kitchens} Kitchen{e.kitchens === 1 ? "" : "s"}</span>
                {e.description && <span className="text-slate-500">{e.description}</span>}
              </li>
            ))}
          </ul>
        )}
      </main>
    </>
  );
}
