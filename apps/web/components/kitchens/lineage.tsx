// The Kitchen's place in the tree, drawn: ancestors above, the Kitchen, its children below.
// The tree mirrors the git branches, so this is also where its branch comes from and goes to.
import Link from "next/link";
import { kitchenHref } from "./paths";

export interface LineageNode {
  name: string;
  environment: string;
  environmentKind: "development" | "production";
}

const DOT: Record<string, string> = { production: "bg-rose-500", development: "bg-sky-500" };

function Node({ node, current, label }: { node: LineageNode; current?: boolean; label?: string }) {
  return (
    <div className="relative flex items-center gap-2 py-1">
      <span aria-hidden className={`relative z-10 h-3 w-3 shrink-0 rounded-full ring-4 ring-white ${current ? "h-3.5 w-3.5 bg-slate-900" : DOT[node.environmentKind] ?? "bg-slate-400"}`} />
      {current ? (
        <span className="font-mono text-sm font-semibold text-slate-900">{node.name}</span>
      ) : (
        <Link href={kitchenHref(node.name)} className="font-mono text-sm text-slate-800 hover:underline">
          {node.name}
        </Link>
      )}
      <span className="text-xs text-slate-400">{label ?? node.environment}</span>
    </div>
  );
}

export function Lineage({ ancestors, kitchen, childKitchens: children }: { ancestors: LineageNode[]; kitchen: LineageNode; childKitchens: LineageNode[] }) {
  return (
    <div className="relative" data-testid="lineage">
      {/* The trunk: one vertical line behind the dots, from the root to the last child. */}
      <span aria-hidden className="absolute top-3 bottom-3 left-[5px] w-0.5 bg-slate-200" />
      {ancestors.map((a, i) => (
        <Node key={a.name} node={a} label={i === ancestors.length - 1 ? `parent · ${a.environment}` : a.environment} />
      ))}
      <Node node={kitchen} current label="this Kitchen" />
      {children.length > 0 && (
        <div className="ml-6">
          {children.map((c) => (
            <Node key={c.name} node={c} label={`child · ${c.environment}`} />
          ))}
        </div>
      )}
      {children.length === 0 && <p className="ml-6 py-1 text-xs text-slate-400">no children yet</p>}
    </div>
  );
}
