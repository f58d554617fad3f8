"use client";

import { useState } from "react";
import { api, type ApiError } from "../kitchens/api";
import { btn, ErrorNote, Spinner } from "../kitchens/ui";
import type { Row, TableDiffEntry } from "./types";

const fmt = (n: number) => n.toLocaleString("en-US");
const pct = (r: number) => `${(r * 100).toFixed(r > 0 && r < 0.001 ? 3 : 1)}%`;

function Cells({ row, cols, changed }: { row: Row; cols: string[]; changed?: Set<string> }) {
  return (
    <>
      {cols.map((c) => (
        <td key={c} className={`px-2 py-1 font-mono ${changed?.has(c) ? "bg-amber-50 font-semibold text-amber-900" : ""}`}>{row[c] === null || row[c] === undefined ? "∅" : String(row[c])}</td>
      ))}
    </>
  );
}

function Examples({ d }: { d: Extract<TableDiffEntry, { status: "compared" }> }) {
  const cols = Object.keys(d.examples.changed[0]?.after ?? d.examples.added[0] ?? d.examples.removed[0] ?? {}).slice(0, 8);
  if (cols.length === 0) return null;
  return (
    <table className="mt-2 w-full text-xs" data-testid="data-diff-examples">
      <thead>
        <tr className="text-left text-slate-500">
          <th className="px-2 py-1" />
          {cols.map((c) => <th key={c} className="px-2 py-1 font-mono">{c}</th>)}
        </tr>
      </thead>
      <tbody>
        {d.examples.changed.map((c, i) => {
          const changed = new Set(cols.filter((k) => JSON.stringify(c.before[k]) !== JSON.stringify(c.after[k])));
          return [
            <tr key={`b${i}`} className="border-t border-slate-100 text-rose-800"><td className="px-2">before</td><Cells row={c.before} cols={cols} changed={changed} /></tr>,
            <tr key={`a${i}`} className="text-emerald-800"><td className="px-2">after</td><Cells row={c.after} cols={cols} changed={changed} /></tr>,
          ];
        })}
        {d.examples.added.map((r, i) => <tr key={`n${i}`} className="border-t border-slate-100 text-emerald-800"><td className="px-2">added</td><Cells row={r} cols={cols} /></tr>)}
        {d.examples.removed.map((r, i) => <tr key={`r${i}`} className="border-t border-slate-100 text-rose-800"><td className="px-2">removed</td><Cells row={r} cols={cols} /></tr>)}
      </tbody>
    </table>
  );
}

function TableDiffCard({ d }: { d: TableDiffEntry }) {
  if (d.status !== "compared") {
    return (
      <div className="rounded-md border border-slate-200 p-3 text-sm" data-testid="data-diff-table" data-table={d.table}>
        <span className="font-mono font-medium">{d.table}</span>{" "}
        {d.status === "new" ? <span className="text-emerald-700">new table, about {fmt(d.rows)} rows</span> : <span className={d.status === "error" ? "text-rose-700" : "text-slate-600"}>{d.message}</span>}
      </div>
    );
  }
  const total = d.rows.added + d.rows.removed + d.rows.changed;
  const schemaChanges = d.schema.added.length + d.schema.dropped.length + d.schema.retyped.length;
  return (
    <div className="rounded-md border border-slate-200 p-3 text-sm" data-testid="data-diff-table" data-table={d.table}>
      <div className="flex flex-wrap items-baseline gap-3">
        <span className="font-mono font-medium">{d.table}</span>
        <span className="text-slate-500">key {d.key.join(", ")}</span>
        <span>{fmt(d.counts.target)} → {fmt(d.counts.source)} rows</span>
        <span className="text-emerald-700">+{fmt(d.rows.added)} added</span>
        <span className="text-rose-700">−{fmt(d.rows.removed)} removed</span>
        <span className="text-amber-800">{fmt(d.rows.changed)} changed</span>
        <span className="text-slate-500">{fmt(d.rows.unchanged)} unchanged</span>
        {total === 0 && schemaChanges === 0 && <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-600">identical</span>}
      </div>
      {schemaChanges > 0 && (
        <p className="mt-1 text-xs text-slate-700">
          Columns: {d.schema.added.map((c) => `+${c.name} (${c.type})`).concat(d.schema.dropped.map((c) => `−${c.name}`), d.schema.retyped.map((c) => `${c.name}: ${c.from} → ${c.to}`)).join(", ")}
        </p>
      )}
      {d.columns.some((c) => c.changed > 0) && (
        <ul className="mt-2 space-y-0.5">
          {d.columns.filter((c) => c.changed > 0).map((c) => (
            <li key={c.name} className="flex items-center gap-2 text-xs">
              <span className="w-32 truncate font-mono">{c.name}</span>
              <span className="h-2 w-40 overflow-hidden rounded bg-slate-100"><span className="block h-2 bg-amber-500" style={{ width: `${Math.max(2, c.rate * 100)}%` }} /></span>
              <span>{fmt(c.changed)} rows ({pct(c.rate)}){d.exact ? "" : " est."}</span>
            </li>
          ))}
        </ul>
      )}
      <Examples d={d} />
    </div>
  );
}

/** Computed on demand: it reads both schemas in the warehouse (seconds on large tables). */
export function DataDiffPanel({ id }: { id: string }) {
  const [state, setState] = useState<{ loading: boolean; error?: ApiError; data?: { tables: TableDiffEntry[]; truncated: boolean } }>({ loading: false });
  const run = async () => {
    setState({ loading: true });
    const r = await api<{ tables: TableDiffEntry[]; truncated: boolean }>("GET", `/api/merge-requests/${id}/data-diff`);
    setState(r.ok ? { loading: false, data: r.data } : { loading: false, error: r.error });
  };
  return (
    <div className="space-y-2" data-testid="data-diff">
      <div className="flex items-center gap-3">
        <button type="button" className={btn.secondary} onClick={run} disabled={state.loading}>{state.data ? "Compare again" : "Compare data"}</button>
        <span className="text-xs text-slate-500">The tables the changed pipelines write, the source's schema against the target's, compared inside the warehouse.</span>
      </div>
      {state.loading && <Spinner label="Comparing…" />}
      <ErrorNote error={state.error} />
      {state.data && state.data.tables.length === 0 && <p className="text-sm text-slate-500">The changed pipelines write no tables.</p>}
      {state.data?.tables.map((t) => <TableDiffCard key={t.table} d={t} />)}
      {state.data?.truncated && <p className="text-xs text-slate-500">Only the first 20 tables are compared.</p>}
    </div>
  );
}
