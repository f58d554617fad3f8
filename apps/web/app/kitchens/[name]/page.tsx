import type { Metadata } from "next";
import Link from "next/link";
import { Tag } from "@/components/badges";
import { KitchenShell, kitchenHref, loadKitchenPage } from "@/components/kitchens/kitchen-page";
import { KitchenTables } from "@/components/kitchens/kitchen-tables";
import { OperationsNotice } from "@/components/kitchens/operations-notice";
import { findOperationsBySubject } from "@galley/kitchens";
import { Lineage, type LineageNode } from "@/components/kitchens/lineage";
import { btn, Card } from "@/components/kitchens/ui";
import { VariablesPanel } from "@/components/kitchens/variables-panel";
import { Unavailable } from "@/components/unavailable";
import { db } from "@/lib/deps";
import { dateTime, timeAgo } from "@/lib/format";
import { load } from "@/lib/page-data";
import { listKitchensForUser } from "@/lib/read-models/kitchens";

export async function generateMetadata({ params }: PageProps<"/kitchens/[name]">): Promise<Metadata> {
  return { title: (await params).name };
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[9rem_1fr] gap-2 py-2 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="text-slate-900">{children}</dd>
    </div>
  );
}

function initials(name: string): string {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]!.toUpperCase()).join("");
}

export default async function KitchenPage({ params }: PageProps<"/kitchens/[name]">) {
  const data = await loadKitchenPage((await params).name);
  if (!data.ok) return <Unavailable what={data.what} />;
  const { kitchen: k, access, user } = data;
  // The whole visible tree gives the ancestors (and the environments of the children) in one query.
  const tree = await load("the Kitchen tree", () => listKitchensForUser(db(), user));
  // Unfinished or interrupted operations on this Kitchen (e.g. a deletion the janitor is finishing).
  const ops = await load("the Kitchen's operations", () => findOperationsBySubject(db(), [k.name]));
  const notices = ops.ok ? ops.value.filter((o) => o.state === "running" || /janitor/.test(o.error ?? "")) : [];
  if (!tree.ok) return <Unavailable what={tree.reason} />;
  const byName = new Map(tree.value.map((r) => [r.name, r]));
  const ancestors: LineageNode[] = [];
  for (let p = k.parent ? byName.get(k.parent) : undefined; p && ancestors.length < 50; p = p.parent ? byName.get(p.parent) : undefined) ancestors.unshift(p);
  const children = k.children.map((c) => byName.get(c)).filter((c): c is NonNullable<typeof c> => !!c);

  return (
    <KitchenShell data={data} tab="overview">
      <OperationsNotice operations={notices} />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <div className="space-y-6">
          <Card title="Details">
            <dl className="divide-y divide-slate-100">
              <Field label="Environment">{k.environment} <span className="text-slate-500">({k.environmentKind})</span></Field>
              <Field label="Git branch"><span className="font-mono">{k.branch}</span></Field>
              <Field label="Warehouse schema"><span className="font-mono">{k.schema}</span></Field>
              <Field label="Alerts">
                {k.alertRoutes.length ? (
                  <span data-testid="kitchen-alert-routes">
                    {k.alertRoutes.map((r, i) => (
                      <span key={r.name}>
                        {i > 0 && ", "}
                        <span className="font-mono">{r.name}</span> <span className="text-slate-500">({r.kind}{!r.enabled ? ", off" : r.health === "failing" ? ", failing" : ""})</span>
                      </span>
                    ))}
                  </span>
                ) : (
                  <span className="text-slate-500">no alert route: nobody hears about failures</span>
                )}{" "}
                <Link href={kitchenHref(k.name, "/settings#alerts")} className={btn.link}>{access.canWrite ? "Manage" : "View"}</Link>
              </Field>
              <Field label="Status">{k.status}</Field>
              <Field label="Created">{dateTime(k.createdAt)}{k.createdBy ? ` by ${k.createdBy}` : ""}</Field>
              <Field label="Last activity"><span title={dateTime(k.lastActivityAt)}>{timeAgo(k.lastActivityAt)}</span></Field>
            </dl>
          </Card>
          <Card title="Staff" actions={access.canManage ? <Link href={kitchenHref(k.name, "/settings")} className={btn.link}>Manage</Link> : undefined}>
            <ul className="grid gap-2 sm:grid-cols-2" data-testid="staff">
              {k.staff.map((s) => (
                <li key={s.id} className="flex items-center gap-2.5">
                  <span aria-hidden className="grid h-8 w-8 shrink-0 place-items-center rounded-full bg-slate-200 text-xs font-semibold text-slate-700">{initials(s.name)}</span>
                  <span className="min-w-0 leading-tight">
                    <span className="block truncate text-sm text-slate-900">{s.name} {s.isOwner && <Tag>owner</Tag>}</span>
                    <span className="block truncate text-xs text-slate-500">{s.email}</span>
                  </span>
                </li>
              ))}
              {k.staff.length === 0 && <li className="text-sm text-slate-500">nobody yet</li>}
            </ul>
          </Card>
          <Card title="Variables" actions={access.canWrite ? <Link href={kitchenHref(k.name, "/settings")} className={btn.link}>Edit</Link> : undefined}>
            {access.canRead ? <VariablesPanel kitchen={k.name} /> : <p className="text-sm text-slate-500">Only the Kitchen's staff can see its variables.</p>}
          </Card>
        </div>
        <div className="space-y-6">
          <Card title="Lineage">
            <Lineage ancestors={ancestors} kitchen={k} childKitchens={children} />
          </Card>
          <Card title="Next steps">
            <div className="flex flex-wrap gap-2">
              <Link href={kitchenHref(k.name, "/pipelines")} className={btn.secondary}>Pipelines</Link>
              <Link href={kitchenHref(k.name, "/files")} className={btn.secondary}>Edit files</Link>
              {k.parent && <Link href={kitchenHref(k.name, "/merge")} className={btn.secondary}>Merge</Link>}
              {access.isStaff && <Link href={kitchenHref(k.name, "/new")} className={btn.primary}>New child Kitchen</Link>}
            </div>
          </Card>
          <Card title="Warehouse tables">
            {access.canRead ? <KitchenTables kitchen={k.name} /> : <p className="text-sm text-slate-500">Only the Kitchen's staff can see its data.</p>}
          </Card>
        </div>
      </div>
    </KitchenShell>
  );
}
