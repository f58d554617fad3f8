"use client";

import { kitchenUrl } from "./api";
import { Empty, ErrorNote, Spinner } from "./ui";
import { useApi } from "./use-api";

interface TableRow {
  name: string;
  kind: "table" | "view";
  rows?: number;
  viewOf?: string;
}

const fmt = new Intl.NumberFormat("en");

/** The relations in the Kitchen's warehouse schema: real tables with their (estimated) rows, views onto the parent. */
export function KitchenTables({ kitchen }: { kitchen: string }) {
  const { data, error, loading } = useApi<{ tables: TableRow[] }>(kitchenUrl(kitchen, "/tables"));
  if (error) return <ErrorNote error={error} />;
  if (loading && !data) return <Spinner label="Reading the schema…" />;
  const tables = data?.tables ?? [];
  if (tables.length === 0) return <Empty>The schema has no tables yet.</Empty>;
  const max = Math.max(1, ...tables.map((t) => t.rows ?? 0));
  return (
    <ul className="space-y-1.5" data-testid="kitchen-tables">
      {tables.map((t) => (
        <li key={t.name} className="text-sm">
          <div className="flex items-baseline justify-between gap-2">
            <span className="font-mono text-slate-900">{t.name}</span>
            <span className="text-xs text-slate-500">
              {t.kind === "view" ? (t.viewOf ? `view of ${t.viewOf}` : "view") : t.rows !== undefined ? `${fmt.format(t.rows)} rows` : "table"}
            </span>
          </div>
          {/* Row counts as bars: which tables are big is what people look for. */}
          {t.kind === "table" && t.rows !== undefined && (
            <div className="mt-0.5 h-1.5 rounded-full bg-slate-100">
              <div className="h-1.5 rounded-full bg-sky-400" style={{ width: `${Math.max(2, (t.rows / max) * 100)}%` }} />
            </div>
          )}
          {t.kind === "view" && <div className="mt-0.5 h-1.5 rounded-full border border-dashed border-slate-300" />}
        </li>
      ))}
    </ul>
  );
}
