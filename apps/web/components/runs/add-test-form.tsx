"use client";
// "Add test" on a pipeline node: builds the test from a few fields and asks the server to write it
// into pipeline.yaml as a commit (POST /api/kitchens/<k>/pipelines/<p>/tests). Tests stay files.
import { useRouter } from "next/navigation";
import { useState } from "react";

const KINDS: { kind: string; label: string; needs: ("column" | "values" | "to" | "expression" | "sql" | "output")[]; table: boolean; rows?: boolean }[] = [
  { kind: "not_null", label: "not null (rows)", needs: ["column"], table: true, rows: true },
  { kind: "unique", label: "unique (rows)", needs: ["column"], table: true, rows: true },
  { kind: "accepted_values", label: "accepted values (rows)", needs: ["column", "values"], table: true, rows: true },
  { kind: "relationships", label: "relationships (rows)", needs: ["column", "to"], table: true, rows: true },
  { kind: "expression", label: "expression true on every row", needs: ["expression"], table: true, rows: true },
  { kind: "row_count", label: "row count", needs: [], table: true },
  { kind: "null_ratio", label: "null ratio", needs: ["column"], table: true },
  { kind: "distinct_count", label: "distinct count", needs: ["column"], table: true },
  { kind: "min", label: "minimum", needs: ["column"], table: true },
  { kind: "max", label: "maximum", needs: ["column"], table: true },
  { kind: "avg", label: "average", needs: ["column"], table: true },
  { kind: "freshness", label: "freshness (seconds since newest)", needs: ["column"], table: true },
  { kind: "sql", label: "number from a SQL query", needs: ["sql"], table: false },
  { kind: "output", label: "value of the node's outputs", needs: ["output"], table: false },
  { kind: "duration", label: "node duration (seconds)", needs: [], table: false },
];

const input = "mt-0.5 w-full rounded border border-slate-300 px-2 py-1 font-mono text-xs";

export function AddTestForm({ kitchen, pipeline, node, head }: { kitchen: string; pipeline: string; node: string; head: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [f, setF] = useState<Record<string, string>>({ kind: "not_null", level: "fail" });
  const [state, setState] = useState<{ busy: boolean; error?: string; done?: string }>({ busy: false });
  const spec = KINDS.find((k) => k.kind === f.kind)!;
  const set = (k: string) => (e: { target: { value: string } }) => setF((x) => ({ ...x, [k]: e.target.value }));
  const field = (name: string, label: string, placeholder = "") => (
    <label className="block text-xs text-slate-600">
      {label}
      <input name={name} value={f[name] ?? ""} onChange={set(name)} placeholder={placeholder} className={input} />
    </label>
  );

  function metric(): unknown {
    const v = (k: string) => (f[k] ?? "").trim();
    const where = v("where") ? { where: v("where") } : {};
    switch (f.kind) {
      case "duration": return "duration";
      case "sql": return { sql: v("sql") };
      case "output": return { output: v("output") };
      case "row_count": return { row_count: { table: v("table"), ...where } };
      case "accepted_values": return { accepted_values: { table: v("table"), column: v("column"), values: v("values").split(",").map((s) => s.trim()).filter(Boolean), ...where } };
      case "relationships": return { relationships: { table: v("table"), column: v("column"), to: v("to"), field: v("field"), ...where } };
      case "expression": return { expression: { table: v("table"), expression: v("expression"), ...where } };
      default: return { [f.kind]: { table: v("table"), column: v("column"), ...where } };
    }
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setState({ busy: true });
    const test = { name: (f.name ?? "").trim(), metric: metric(), ...(f.check?.trim() ? { check: f.check.trim() } : {}), level: f.level };
    const res = await fetch(`/api/kitchens/${encodeURIComponent(kitchen)}/pipelines/${encodeURIComponent(pipeline)}/tests`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ node, test, expectedHead: head }),
    }).catch(() => null);
    const data = res ? await res.json().catch(() => null) : null;
    if (!res || !res.ok) return setState({ busy: false, error: data?.error?.message ?? "could not reach Galley" });
    setState({ busy: false, done: String(data.commit).slice(0, 8) });
    setF({ kind: f.kind, level: f.level });
    // Closed, so the confirmation (shown with the closed button) is seen.
    setOpen(false);
    router.refresh();
  }

  if (!open) {
    return (
      <div className="mt-3 flex items-center gap-3">
        <button type="button" onClick={() => setOpen(true)} className="rounded border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50" data-testid="add-test">Add test</button>
        {state.done && <span className="text-xs text-emerald-700" data-testid="add-test-done">Committed {state.done} to {kitchen}</span>}
      </div>
    );
  }
  return (
    <form onSubmit={submit} className="mt-3 space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3" data-testid="add-test-form">
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-3">
        {field("name", "Name", "orders_have_ids")}
        <label className="block text-xs text-slate-600">
          Kind
          <select name="kind" value={f.kind} onChange={set("kind")} className={input}>
            {KINDS.map((k) => <option key={k.kind} value={k.kind}>{k.label}</option>)}
          </select>
        </label>
        <label className="block text-xs text-slate-600">
          Level
          <select name="level" value={f.level} onChange={set("level")} className={input}>
            <option value="fail">fail: node fails, downstream skipped</option>
            <option value="warn">warn: recorded, run continues</option>
            <option value="log">log: recorded only</option>
          </select>
        </label>
        {spec.table && field("table", "Table", "orders_clean")}
        {spec.needs.includes("column") && field("column", "Column", "id")}
        {spec.needs.includes("values") && field("values", "Accepted values (comma-separated)", "open, shipped")}
        {spec.needs.includes("to") && field("to", "Refers to table", "customers")}
        {spec.needs.includes("to") && field("field", "Refers to column", "id")}
        {spec.needs.includes("expression") && field("expression", "Expression (SQL, true on every row)", "amount >= 0")}
        {spec.needs.includes("sql") && field("sql", "SQL query returning one number", "select count(*) from orders_clean")}
        {spec.needs.includes("output") && field("output", "Output key", "revenue")}
        {spec.table && field("where", "Only rows where (optional)", "region <> 'test'")}
        {field("check", spec.rows ? "Check (default: == 0 failing rows)" : "Check", spec.rows ? "== 0" : "> 0, between 1 and 10, change within 20%, control")}
      </div>
      {state.error && <p className="text-xs text-rose-700" data-testid="add-test-error">{state.error}</p>}
      <div className="flex gap-2">
        <button type="submit" disabled={state.busy} className="rounded bg-slate-900 px-3 py-1 text-xs font-medium text-white disabled:opacity-50">{state.busy ? "Committing…" : "Commit test"}</button>
        <button type="button" onClick={() => setOpen(false)} className="rounded px-2 py-1 text-xs text-slate-600 hover:underline">Cancel</button>
      </div>
    </form>
  );
}
