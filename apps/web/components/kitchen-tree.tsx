import Link from "next/link";
import { timeAgo } from "@/lib/format";
import { buildTree, type TreeNode } from "@/lib/kitchen-tree";
import type { TKitchenRow } from "@/lib/read-models/kitchens";
import { EnvironmentBadge, Tag } from "./badges";

function KitchenItem({ node, now, userId, nested }: { node: TreeNode; now: Date; userId?: string; nested?: boolean }) {
  const k = node.kitchen;
  const isStaff = userId !== undefined && k.staff.some((s) => s.id === userId);
  return (
    // Nested items draw an elbow from their parent's trunk (the left border of the list).
    <li className={`relative ${nested ? "before:absolute before:top-5 before:-left-5 before:h-0.5 before:w-5 before:bg-slate-200" : ""}`}>
      <div className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm" data-testid="kitchen-row" data-kitchen={k.name}>
        <div className="flex flex-wrap items-center gap-2">
          <Link href={`/kitchens/${encodeURIComponent(k.name)}`} className="font-mono text-sm font-semibold text-slate-900 hover:underline">
            {k.name}
          </Link>
          <EnvironmentBadge name={k.environment} kind={k.environmentKind} />
          {k.isPrivate && <Tag>private</Tag>}
          {!k.isPersistent && <Tag>temporary</Tag>}
          {k.status !== "active" && <Tag>{k.status}</Tag>}
          <span className="ml-auto text-xs text-slate-500" title={k.lastActivityAt.toISOString()}>
            active {timeAgo(k.lastActivityAt, now)}
          </span>
        </div>
        <dl className="mt-1.5 flex flex-wrap gap-x-5 gap-y-1 text-xs text-slate-600">
          <div>
            <dt className="inline text-slate-400">branch </dt>
            <dd className="inline font-mono">{k.branch}</dd>
          </div>
          <div>
            <dt className="inline text-slate-400">schema </dt>
            <dd className="inline font-mono">{k.schema}</dd>
          </div>
          <div>
            <dt className="inline text-slate-400">staff </dt>
            <dd className="inline">{k.staff.length ? k.staff.map((s) => s.name).join(", ") : "nobody yet"}</dd>
          </div>
          {isStaff && (
            <Link href={`/kitchens/${encodeURIComponent(k.name)}/new`} className="ml-auto rounded border border-slate-300 px-1.5 py-0.5 text-xs font-medium text-slate-700 hover:bg-slate-50" title={`Create a child Kitchen under ${k.name}`}>
              + New Kitchen
            </Link>
          )}
        </dl>
      </div>
      {node.children.length > 0 && (
        <ul className="mt-2 ml-5 space-y-2 border-l-2 border-slate-200 pl-5">
          {node.children.map((c) => (
            <KitchenItem key={c.kitchen.id} node={c} now={now} userId={userId} nested />
          ))}
        </ul>
      )}
    </li>
  );
}

/** With `userId`, Kitchens that user staffs offer "New Kitchen" (creating a child needs staff membership). */
export function KitchenTree({ kitchens, userId }: { kitchens: TKitchenRow[]; userId?: string }) {
  if (kitchens.length === 0) {
    return <p className="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">No Kitchens you can see yet.</p>;
  }
  const now = new Date();
  return (
    <ul className="space-y-2" aria-label="Kitchen tree">
      {buildTree(kitchens).map((n) => (
        <KitchenItem key={n.kitchen.id} node={n} now={now} userId={userId} />
      ))}
    </ul>
  );
}
