import { kitchenAccess } from "@galley/kitchens/policy";
import type { Metadata } from "next";
import Link from "next/link";
import { KitchenShell, kitchenHref, loadKitchenPage } from "@/components/kitchens/kitchen-page";
import { MergeDirectionCard } from "@/components/kitchens/merge-panel";
import { OpenRequestForm } from "@/components/merge-requests/open-request-form";
import { RequestList } from "@/components/merge-requests/request-list";
import { getMergeRules } from "@galley/kitchens";
import { kitchensDeps } from "@/lib/kitchens-deps";
import { Card, Empty } from "@/components/kitchens/ui";
import { Unavailable } from "@/components/unavailable";
import { db } from "@/lib/deps";
import { load } from "@/lib/page-data";
import { findKitchenForUser } from "@/lib/read-models/kitchens";

const APPROVER_WORDS: Record<string, string> = { staff: "its staff", developer: "a developer", dataops: "a DataOps engineer", production: "a production engineer", admin: "an admin" };

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
  const parentRules = p ? await load("the parent's merge rules", async () => getMergeRules(await kitchensDeps(), p.name, user)) : null;
  const needsRequest = parentRules?.ok ? parentRules.value.requireRequest : false;
  const requestRefusal = (target: string, r: { approvals: number; approvers: string; requireGreenChecks: boolean }) =>
    `${target} takes changes through merge requests${r.approvals ? ` (${r.approvals} approval${r.approvals === 1 ? "" : "s"} by ${APPROVER_WORDS[r.approvers] ?? r.approvers}${r.requireGreenChecks ? ", green checks" : ""})` : ""}: open one below.`;
  const targetRefusal = (target: string, kind: string) =>
    kind === "production" ? `Only production engineers on ${target}'s staff may merge into it.` : `Only ${target}'s staff may merge into it.`;

  return (
    <KitchenShell data={data} tab="merge">
      {parentName ? (
        <div className="grid gap-6 lg:grid-cols-2">
          <MergeDirectionCard kitchen={k.name} parent={parentName} direction="down" allowed={access.canMergeInto} refusal={targetRefusal(k.name, k.environmentKind)} />
          <MergeDirectionCard
            kitchen={k.name}
            parent={parentName}
            direction="up"
            allowed={canMergeUp && !needsRequest}
            refusal={needsRequest && parentRules?.ok ? requestRefusal(parentName, parentRules.value) : targetRefusal(parentName, p?.environmentKind ?? "development")}
          />
        </div>
      ) : (
        <Empty>{k.name} is the root of the tree: changes arrive here by merging a child up from the child's Merge tab.</Empty>
      )}
      {parentName && access.canRead && (
        <Card title={`Ask for review: merge ${k.name} into ${parentName}`} className="mt-6">
          <OpenRequestForm kitchen={k.name} parent={parentName} />
        </Card>
      )}
      <Card title="Merge requests" className="mt-6">
        <RequestList kitchen={k.name} />
      </Card>
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
