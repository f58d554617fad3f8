import Link from "next/link";
import { timeAgo } from "@/lib/format";
import type { TKitchenRow, TKitchenTreeView, TTreeNode } from "@/lib/read-models/kitchens";
import { EnvironmentBadge, Tag } from "./badges";

const childrenHref = (parent: string, after?: string) => `/?under=${encodeURIComponent(parent)}${after ? `&after=${encodeURIComponent(after)}` : ""}#kitchens-heading`;

function KitchenCard({ k, now, userId }: { k: TKitchenRow; now: Date; userId?: string }) {
  const isStaff = userId !== undefined && k.staff.some((s) => s.id === userId);
  return (
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
  );
}

function KitchenItem({ node, now, userId, nested }: { node: TTreeNode; now: Date; userId?: string; nested?: boolean }) {
  const k = node.kitchen;
  return (
    // Nested items draw an elbow from their parent's trunk (the left border of the list).
    <li className={`relative ${nested ? "before:absolute before:top-5 before:-left-5 before:h-0.5 before:w-5 before:bg-slate-200" : ""}`}>
      <KitchenCard k={k} now={now} userId={userId} />
      {(node.children.length > 0 || node.moreChildren > 0) && (
        <ul className="mt-2 ml-5 space-y-2 border-l-2 border-slate-200 pl-5">
          {node.children.map((c) => (
            <KitchenItem key={c.kitchen.id} node={c} now={now} userId={userId} nested />
          ))}
          {node.moreChildren > 0 && (
            <li>
              <Link href={childrenHref(k.name)} className="text-sm font-medium text-sky-700 hover:underline" data-testid="more-children" data-kitchen={k.name}>
                {node.moreChildren} more under {k.name} →
              </Link>
            </li>
          )}
        </ul>
      )}
    </li>
  );
}

function Search({ q }: { q?: string }) {
  return (
    <form action="/" method="get" role="search" className="mb-3 flex gap-2">
      <input name="q" defaultValue={q} placeholder="Find a Kitchen by name" aria-label="Find a Kitchen by name" className="w-full rounded border border-slate-300 px-2 py-1 text-sm" />
      <button type="submit" className="rounded border border-slate-300 px-3 py-1 text-sm font-medium text-slate-700 hover:bg-slate-50">Find</button>
    </form>
  );
}

function FlatList({ kitchens, now, userId, label }: { kitchens: TKitchenRow[]; now: Date; userId?: string; label: string }) {
  return (
    <ul className="space-y-2" aria-label={label}>
      {kitchens.map((k) => (
        <li key={k.id}>
          <KitchenCard k={k} now={now} userId={userId} />
        </li>
      ))}
    </ul>
  );
}

/**
 * The Kitchen tree, bounded: the tree from the roots with a "more" link under a busy Kitchen,
 * one Kitchen's children a page at a time, or a search. With `userId`, Kitchens that user staffs
 * offer "New Kitchen" (creating a child needs staff membership).
 */
export function KitchenTree({ view, userId }: { view: TKitchenTreeView; userId?: string }) {
  const now = new Date();
  const empty = <p className="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">No Kitchens you can see yet.</p>;
  if (view.mode === "missing") {
    return (<><Search /><p className="text-sm text-slate-600">No Kitchen {view.name} you can see. <Link href="/" className="text-sky-700 hover:underline">Back to the tree</Link></p></>);
  }
  if (view.mode === "search") {
    return (
      <>
        <Search q={view.q} />
        <p className="mb-2 text-xs text-slate-500">
          Kitchens whose name contains “{view.q}”{view.more ? " (the first ones: narrow the search)" : ""} · <Link href="/" className="text-sky-700 hover:underline">back to the tree</Link>
        </p>
        {view.kitchens.length ? <FlatList kitchens={view.kitchens} now={now} userId={userId} label="Kitchens found" /> : <p className="text-sm text-slate-500">None.</p>}
      </>
    );
  }
  if (view.mode === "children") {
    const parent = view.parent?.name ?? "";
    return (
      <>
        <Search />
        <p className="mb-2 text-xs text-slate-500">
          {view.parent ? <>Children of <span className="font-mono">{view.parent.name}</span></> : "Root Kitchens"} · <Link href="/" className="text-sky-700 hover:underline">back to the tree</Link>
        </p>
        {view.kitchens.length ? <FlatList kitchens={view.kitchens} now={now} userId={userId} label="Kitchen children" /> : empty}
        {view.nextCursor && (
          <Link href={childrenHref(parent, view.nextCursor)} className="mt-3 inline-block text-sm font-medium text-sky-700 hover:underline" data-testid="next-children">
            Next page →
          </Link>
        )}
      </>
    );
  }
  if (view.roots.length === 0) return empty;
  return (
    <>
      <Search />
      <ul className="space-y-2" aria-label="Kitchen tree">
        {view.roots.map((n) => (
          <KitchenItem key={n.kitchen.id} node={n} now={now} userId={userId} />
        ))}
      </ul>
      {view.moreRoots > 0 && (
        <Link href={childrenHref("")} className="mt-3 inline-block text-sm font-medium text-sky-700 hover:underline">
          {view.moreRoots} more root Kitchens →
        </Link>
      )}
    </>
  );
}
