"use client";

import { useState } from "react";

interface SecretRow {
  name: string;
  version: number;
  updatedAt: string;
}

async function call(method: string, url: string, body?: unknown): Promise<{ ok: boolean; data: any }> {
  const res = await fetch(url, { method, headers: body ? { "content-type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  return { ok: res.ok, data };
}

/** Names and versions only: values can be replaced, never shown. */
export function VaultEditor({ environment, canManage, initial }: { environment: string; canManage: boolean; initial: SecretRow[] }) {
  const [rows, setRows] = useState(initial);
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const base = `/api/environments/${encodeURIComponent(environment)}/secrets`;

  async function refresh() {
    const r = await call("GET", base);
    if (r.ok) setRows(r.data.secrets);
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await call("PUT", `${base}/${encodeURIComponent(name)}`, { value });
    setBusy(false);
    if (!r.ok) return setError(r.data?.error?.message ?? "could not save the secret");
    setValue("");
    setName("");
    await refresh();
  }

  async function remove(secret: string) {
    if (!confirm(`Delete ${secret} from the ${environment} vault? Runs that use it will fail.`)) return;
    const r = await call("DELETE", `${base}/${encodeURIComponent(secret)}`);
    if (!r.ok) return setError(r.data?.error?.message ?? "could not delete the secret");
    await refresh();
  }

  return (
    <div className="mt-4 space-y-4">
      <table className="w-full rounded-lg border border-slate-200 bg-white text-sm" data-testid="vault-table">
        <thead className="bg-slate-50 text-left text-slate-500">
          <tr><th className="px-3 py-2">name</th><th className="px-3 py-2">value</th><th className="px-3 py-2">version</th><th className="px-3 py-2">updated</th><th /></tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.name} className="border-t border-slate-100">
              <td className="px-3 py-2 font-mono">{s.name}</td>
              <td className="px-3 py-2 font-mono text-slate-400">••••••••</td>
              <td className="px-3 py-2">v{s.version}</td>
              <td className="px-3 py-2 text-slate-500">{new Date(s.updatedAt).toLocaleString()}</td>
              <td className="px-3 py-2 text-right">
                {canManage && <button onClick={() => remove(s.name)} className="text-red-700 hover:underline">delete</button>}
              </td>
            </tr>
          ))}
          {rows.length === 0 && <tr><td colSpan={5} className="px-3 py-4 text-slate-500">No secrets yet.</td></tr>}
        </tbody>
      </table>
      {canManage ? (
        <form onSubmit={save} className="flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-3">
          <label className="flex flex-col text-xs text-slate-600">
            name
            <input value={name} onChange={(e) => setName(e.target.value.toUpperCase())} placeholder="WAREHOUSE_PASSWORD" pattern="[A-Z][A-Z0-9_]{0,63}" required className="mt-1 rounded border border-slate-300 px-2 py-1 font-mono text-sm" />
          </label>
          <label className="flex flex-1 flex-col text-xs text-slate-600">
            value (write-only)
            <input type="password" value={value} onChange={(e) => setValue(e.target.value)} required autoComplete="off" className="mt-1 rounded border border-slate-300 px-2 py-1 font-mono text-sm" />
          </label>
          <button disabled={busy} className="rounded bg-slate-900 px-3 py-1.5 text-sm text-white disabled:opacity-50">Set or replace</button>
        </form>
      ) : (
        <p className="text-sm text-slate-500">Only the engineers who own this environment can change its vault.</p>
      )}
      {error && <p role="alert" className="text-sm text-red-700">{error}</p>}
    </div>
  );
}
