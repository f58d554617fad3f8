import type { TEnvironmentRow } from "@/lib/read-models/environments";
import { EnvironmentBadge } from "./badges";

export function EnvironmentList({ environments }: { environments: TEnvironmentRow[] }) {
  if (environments.length === 0) {
    return <p className="rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-500">No release environments defined.</p>;
  }
  return (
    <ul className="space-y-3">
      {environments.map((e) => (
        <li key={e.id} className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm" data-testid="environment-row">
          <div className="flex items-center justify-between gap-2">
            <a href={`/environments/${encodeURIComponent(e.name)}`} className="hover:underline"><EnvironmentBadge name={e.name} kind={e.kind} /></a>
            <span className="text-xs text-slate-500">
              {e.kitchens} Kitchen{e.kitchens === 1 ? "" : "s"}
            </span>
          </div>
          {e.description && <p className="mt-1.5 text-sm text-slate-700">{e.description}</p>}
          <dl className="mt-2 space-y-0.5 text-xs text-slate-600">
            <div>
              <dt className="inline text-slate-400">warehouse </dt>
              <dd className="inline font-mono break-all">
                {e.warehouse.kind}://{e.warehouse.user}@{e.warehouse.host}:{e.warehouse.port}/{e.warehouse.database}
              </dd>
            </div>
          </dl>
        </li>
      ))}
    </ul>
  );
}
