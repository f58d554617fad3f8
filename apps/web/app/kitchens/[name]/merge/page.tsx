import { kitchenAccess } from "@galley/kitchens/policy";
import type { Metadata } from "next";
import Link from "next/link";
import { KitchenShell, kitchenHref, loadKitchenPage } from "@/components/kitchens/kitchen-page";
import { MergeDirectionCard } from "@/components/kitchens/merge-panel";
import { Card, Empty } from "@/components/kitchens/ui";
import { Unavailable } from "@/components/unavailable";
import { db } from "@/lib/deps";
import { load } from "@/lib/page-data";
import { findKitchenForUser } from "@/lib/read-models/kitchens";

export async function generateMetadata({ params }: PageProps<"/kitchens/[name]/merge">): Promise<Metadata> {
  return { title: `Merge · ${(await params).name}` };
}

export default async function KitchenMergePage({ params }: PageProps<"/kitchens/[name]/merge">) {
  const data = await loadKitchenPage((await params).name);
  if (!data.ok) return <Unavailable what={data.what} />;
  const { kitchen: k, access, user } = data;
  const parentName = k.parent;
  const parent = parentName ? await load("the parent Kitchen", () => findKitchenForUser(db(), user, parentName)) : null;
  if (parent && !parent.ok) return <Unavailable what={parent.reason} />;
  const p = parent?.ok ? parent.value : null;
  // The API decides; this only avoids offering a button that can only fail.
  const canMergeUp = p
    ? kitchenAccess(user, { name: p.name, isPrivate: p.isPrivate, environmentKind: p.environmentKind, staff: p.staff.map((s) => ({ userId: s.id, isOwner: s.isOwner })) }).canMergeInto
    : false;
  const targetRefusal = (target: string, kind: string) =>
    kind === "production" ? `Only production engineers on ${target}'s staff may merge into it.` : `Only ${target}'s staff may merge into it.`;

  return (
    <KitchenShell data={data} tab="merge">
      {parentName ? (
        <div className="grid gap-6 lg:grid-cols-2">
          <MergeDirectionCard kitchen={k.name} parent={parentName} direction="down" allowed={access.canMergeInto} refusal={targetRefusal(k.name, k.environmentKind)} />
          <MergeDirectionCard kitchen={k.name} parent={parentName} direction="up" allowed={canMergeUp} refusal={targetRefusal(parentName, p?.environmentKind ?? "development")} />
        </div>
      ) : (
        <Empty>{k.name} is the root of the tree: changes arrive here by merging a child up from the child's Merge tab.</Empty>
      )}
      {k.children.length > 0 && (
        <Card title="Merge a child into this Kitchen" className="mt-6">
          <p className="mb-2 text-sm text-slate-600">Open a child's Merge tab and choose "Merge up".</p>
          <ul className="flex flex-wrap gap-2">
            {k.children.map((c) => (
              <li key={c}>
                <Link href={kitchenHref(c, "/merge")} className="rounded-md border border-slate-300 px-2.5 py-1 font-mono text-sm text-slate-800 hover:bg-slate-50">{c} ↑</Link>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </KitchenShell>
  );
}
