"use client";

import { useState } from "react";
import { api, kitchenUrl, type ApiError, type KitchenDetail } from "./api";
import { btn, Empty, ErrorNote, FieldError, input, Spinner } from "./ui";
import { useApi } from "./use-api";

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function Source({ v }: { v: KitchenDetail["variables"][number] }) {
  if (v.source === "kitchen") return <span className="rounded bg-violet-50 px-1.5 py-0.5 text-xs text-violet-700 ring-1 ring-inset ring-violet-200">set here</span>;
  return <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">inherited{v.inheritedFrom ? ` from ${v.inheritedFrom}` : ""}</span>;
}

/** Variables with where their value comes from; with `editable`, set (override) and delete. */
export function VariablesPanel({ kitchen, editable = false }: { kitchen: string; editable?: boolean }) {
  const { data, error, loading, reload } = useApi<KitchenDetail>(kitchenUrl(kitchen));
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const canWrite = editable && (data?.canWrite ?? true);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setActionError(null);
    const r = await api("PUT", kitchenUrl(kitchen, `/variables/${encodeURIComponent(name)}`), { value });
    setBusy(false);
    if (!r.ok) return setActionError(r.error);
    setName("");
    setValue("");
    await reload();
  }

  async function remove(variable: string) {
    if (!confirm(`Delete variable ${variable} from ${kitchen}?`)) return;
    setActionError(null);
    const r = await api("DELETE", kitchenUrl(kitchen, `/variables/${encodeURIComponent(variable)}`));
    if (!r.ok) return setActionError(r.error);
    await reload();
  }

  if (error) return <ErrorNote error={error} />;
  if (loading && !data) return <Spinner label="Loading variables…" />;
  const vars = data?.variables ?? [];
  const nameError = name && !NAME.test(name) ? "letters, digits and _, not starting with a digit" : actionError?.field === "name" ? actionError.message : null;
  return (
    <div className="space-y-3" data-testid="variables">
      {vars.length === 0 ? (
        <Empty>No variables. Pipelines still get {"{{CurrentKitchen}}"} and {"{{schema}}"}.</Empty>
      ) : (
        <table className="w-full text-sm">
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="py-1 pr-3 font-medium">name</th>
              <th className="py-1 pr-3 font-medium">value</th>
              <th className="py-1 pr-3 font-medium">source</th>
              {canWrite && <th />}
            </tr>
          </thead>
          <tbody>
            {vars.map((v) => (
              <tr key={v.name} className="border-t border-slate-100" data-variable={v.name}>
                <td className="py-1.5 pr-3 font-mono text-slate-900">{v.name}</td>
                <td className="max-w-[18rem] truncate py-1.5 pr-3 font-mono text-slate-700" title={v.value}>{v.value}</td>
                <td className="py-1.5 pr-3"><Source v={v} /></td>
                {canWrite && (
                  <td className="py-1.5 text-right">
                    <button type="button" onClick={() => { setName(v.name); setValue(v.value); }} className="mr-3 text-xs text-slate-600 hover:underline">edit</button>
                    <button type="button" onClick={() => remove(v.name)} className="text-xs text-rose-700 hover:underline" aria-label={`Delete variable ${v.name}`}>delete</button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite && (
        <form onSubmit={save} className="grid gap-2 sm:grid-cols-[12rem_1fr_auto] sm:items-start">
          <div>
            <label htmlFor="var-name" className="sr-only">Variable name</label>
            <input id="var-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="NAME" required className={`${input} font-mono`} aria-invalid={!!nameError} />
            <FieldError message={nameError} />
          </div>
          <div>
            <label htmlFor="var-value" className="sr-only">Variable value</label>
            <input id="var-value" value={value} onChange={(e) => setValue(e.target.value)} placeholder="value" className={`${input} font-mono`} />
          </div>
          <button disabled={busy || !name || !!nameError} className={btn.primary}>{busy ? "Saving…" : "Set variable"}</button>
        </form>
      )}
      {actionError && actionError.field !== "name" && <ErrorNote error={actionError} />}
    </div>
  );
}
