import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getEnvironmentForUser } from "@galley/kitchens";
import { AppHeader } from "@/components/app-header";
import { EnvironmentBadge } from "@/components/badges";
import { Unavailable } from "@/components/unavailable";
import { requireUser } from "@/lib/current-user";
import { db } from "@/lib/deps";
import { WORKER_STALE_MS } from "@/lib/health";
import { load } from "@/lib/page-data";
import { VaultEditor } from "./vault-editor";

export async function generateMetadata({ params }: PageProps<"/environments/[name]">): Promise<Metadata> {
  return { title: `${(await params).name} environment` };
}

export default async function EnvironmentPage({ params }: PageProps<"/environments/[name]">) {
  const { name } = await params;
  const session = await load("your session", requireUser);
  if (!session.ok) return <Unavailable what={session.reason} />;
  const user = session.value;
  if (!/^[a-z][a-z0-9_]{1,39}$/.test(name)) notFound();
  const found = await load("this environment", () => getEnvironmentForUser({ db: db(), staleMs: WORKER_STALE_MS }, user, name));
  if (!found.ok) return <Unavailable what={found.reason} />;
  const { env, pool, mayListSecrets: mayList, mayManageVault: canManage, mayManageWorkers, secrets } = found.value ?? notFound();
  const liveWorkers = pool.liveWorkers;
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-3xl px-6 py-8">
        <nav className="mb-4 text-sm text-slate-500">
          <Link href="/" className="hover:underline">Home</Link> / environments / <span className="font-mono text-slate-900">{env.name}</span>
        </nav>
        <div className="flex items-center gap-2">
          <h1 className="font-mono text-2xl font-semibold text-slate-900">{env.name}</h1>
          <EnvironmentBadge name={env.kind} kind={env.kind} />
        </div>
        {env.description && <p className="mt-2 text-slate-700">{env.description}</p>}
        <p className="mt-3 font-mono text-sm text-slate-600">
          warehouse postgres://{env.warehouseUser}@{env.warehouseHost}:{env.warehousePort}/{env.warehouseDb} · containers on network {env.networkMode}
        </p>
        <p className="mt-1 text-sm" data-testid="worker-pool">
          Nodes run on worker pool <span className="font-mono">{env.pool}</span>:{" "}
          {liveWorkers > 0 ? (
            <span className="text-slate-600">{liveWorkers} live worker{liveWorkers > 1 ? "s" : ""}{pool.drainingWorkers ? `, ${pool.drainingWorkers} draining` : ""}</span>
          ) : (
            <span className="font-medium text-amber-700">no live worker in pool {env.pool}: runs of this environment wait until one starts</span>
          )}
          {mayManageWorkers && (
            <> · <Link href="/admin/workers" className="text-sky-700 underline">workers, credentials and capacity</Link></>
          )}
        </p>
        <h2 className="mt-8 text-lg font-semibold text-slate-900">Vault</h2>
        <p className="mt-1 text-sm text-slate-600">
          Encrypted at rest (AES-256-GCM, one data key per secret). Runs of this environment's Kitchens receive these values; nobody can read them back here, and they never appear in logs.
        </p>
        {mayList ? (
          <VaultEditor
            environment={env.name}
            canManage={canManage}
            initial={secrets.map((s) => ({ name: s.name, version: s.version, updatedAt: s.updatedAt.toISOString() }))}
          />
        ) : (
          <p className="mt-4 text-sm text-slate-600" data-testid="vault-hidden">
            The names of this vault&apos;s secrets are shown only to {env.kind === "production" ? "production engineers" : "DataOps engineers and developers"} and admins.
          </p>
        )}
      </main>
    </>
  );
}
