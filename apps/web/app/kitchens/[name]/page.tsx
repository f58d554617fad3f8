import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AppHeader } from "@/components/app-header";
import { EnvironmentBadge, Tag } from "@/components/badges";
import { Unavailable } from "@/components/unavailable";
import { requireUser } from "@/lib/current-user";
import { db } from "@/lib/deps";
import { dateTime, timeAgo } from "@/lib/format";
import { load } from "@/lib/page-data";
import { findKitchenForUser } from "@/lib/read-models/kitchens";

export async function generateMetadata({ params }: PageProps<"/kitchens/[name]">): Promise<Metadata> {
  return { title: (await params).name };
}

// Kitchen names are identifiers; anything else cannot exist, so it never reaches the database.
const KITCHEN_NAME = /^[a-z][a-z0-9_]{1,62}$/;

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[9rem_1fr] gap-2 py-2 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="text-slate-900">{children}</dd>
    </div>
  );
}

export default async function KitchenPage({ params }: PageProps<"/kitchens/[name]">) {
  const { name } = await params;
  const session = await load("your session", requireUser);
  if (!session.ok) return <Unavailable what={session.reason} />;
  const user = session.value;
  if (!KITCHEN_NAME.test(name)) notFound();
  const found = await load("this Kitchen", () => findKitchenForUser(db(), user, name));
  if (!found.ok) return <Unavailable what={found.reason} />;
  // Missing and not-allowed look the same, so private Kitchen names do not leak.
  const k = found.value ?? notFound();
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-3xl px-6 py-8">
        <nav className="mb-4 text-sm text-slate-500">
          <Link href="/" className="hover:underline">Kitchens</Link> / <span className="font-mono text-slate-900">{k.name}</span>
        </nav>
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="font-mono text-2xl font-semibold text-slate-900">{k.name}</h1>
          <EnvironmentBadge name={k.environment} kind={k.environmentKind} />
          <Tag>{k.isPrivate ? "private" : "shared"}</Tag>
          <Tag>{k.isPersistent ? "persistent" : "temporary"}</Tag>
        </div>
        {k.description && <p className="mt-2 text-slate-700">{k.description}</p>}
        <dl className="mt-6 divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white px-4">
          <Field label="Parent">
            {k.parent ? <Link href={`/kitchens/${encodeURIComponent(k.parent)}`} className="font-mono hover:underline">{k.parent}</Link> : <span className="text-slate-500">none (root of the tree)</span>}
          </Field>
          <Field label="Children">
            {k.children.length ? (
              <span className="flex flex-wrap gap-x-3">
                {k.children.map((c) => (
                  <Link key={c} href={`/kitchens/${encodeURIComponent(c)}`} className="font-mono hover:underline">{c}</Link>
                ))}
              </span>
            ) : (
              <span className="text-slate-500">none</span>
            )}
          </Field>
          <Field label="Git branch"><span className="font-mono">{k.branch}</span></Field>
          <Field label="Warehouse schema"><span className="font-mono">{k.schema}</span></Field>
          <Field label="Environment">{k.environment}</Field>
          <Field label="Staff">
            <ul>
              {k.staff.map((s) => (
                <li key={s.id}>
                  {s.name} <span className="text-slate-500">{s.email}</span> {s.isOwner && <Tag>owner</Tag>}
                </li>
              ))}
              {k.staff.length === 0 && <li className="text-slate-500">nobody yet</li>}
            </ul>
          </Field>
          <Field label="Alert channel">{k.alertChannel ? <span className="font-mono">{k.alertChannel}</span> : <span className="text-slate-500">the environment's</span>}</Field>
          <Field label="Status">{k.status}</Field>
          <Field label="Created">{dateTime(k.createdAt)}{k.createdBy ? ` by ${k.createdBy}` : ""}</Field>
          <Field label="Last activity"><span title={dateTime(k.lastActivityAt)}>{timeAgo(k.lastActivityAt)}</span></Field>
        </dl>
        <p className="mt-6 text-xs text-slate-500">Pipelines, runs, files and merges for this Kitchen arrive with the next issues.</p>
      </main>
    </>
  );
}
