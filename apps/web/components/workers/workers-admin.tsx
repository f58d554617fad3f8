"use client";

import { useCallback, useEffect, useState } from "react";
import { ago, call, errorOf, type WorkersWire } from "./api";
import { IssueCredential } from "./issue-credential";
import { PoolsPanel } from "./pools-panel";

const STATUS_STYLES: Record<string, string> = {
  live: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  draining: "bg-amber-50 text-amber-800 ring-amber-200",
  revoked: "bg-rose-50 text-rose-700 ring-rose-200",
  gone: "bg-slate-100 text-slate-500 ring-slate-200",
};

function Status({ status }: { status: string }) {
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLES[status] ?? STATUS_STYLES.gone}`} data-testid="worker-status">{status}</span>;
}

const th = "px-3 py-2 font-medium";
const td = "px-3 py-2";

/** Workers, credentials and pools; re-read every 3 s so a worker appears, drains or goes while one looks. */
export function WorkersAdmin({ initial }: { initial: WorkersWire }) {
  const [view, setView] = useState(initial);
  const [now, setNow] = useState(() => Date.now());
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const r = await call("GET", "/api/admin/workers");
    if (r.ok) {
      setView(r.data);
      setNow(Date.now());
    }
  }, []);

  useEffect(() => {
    const t = setInterval(() => void refresh(), 3_000);
    return () => clearInterval(t);
  }, [refresh]);

  async function revoke(id: string, label: string) {
    if (!confirm(`Revoke ${label}? Its workers take no new node, finish the running ones and exit; it cannot start a worker again.`)) return;
    setError(null);
    const r = await call("POST", `/api/admin/worker-credentials/${encodeURIComponent(id)}/revoke`);
    if (!r.ok) setError(errorOf(r, "could not revoke the credential"));
    await refresh();
  }

  const revokedIds = new Set(view.credentials.filter((c) => c.revokedAt).map((c) => c.id));
  const pools = [...new Set([...view.pools.map((p) => p.pool), "default"])].sort();

  return (
    <div className="mt-6 space-y-8">
      {error && <p className="text-sm text-red-700" role="alert">{error}</p>}
      <section>
        <h2 className="text-lg font-semibold text-slate-900">Workers</h2>
        <table className="mt-2 w-full rounded-lg border border-slate-200 bg-white text-sm" data-testid="workers-table">
          <thead className="bg-slate-50 text-left text-slate-500">
            <tr><th className={th}>host</th><th className={th}>pool</th><th className={th}>version</th><th className={th}>last heartbeat</th><th className={th}>nodes running</th><th className={th}>status</th><th className={th}>credential</th><th /></tr>
          </thead>
          <tbody>
            {view.workers.map((w) => (
              <tr key={w.workerId} className="border-t border-slate-100" data-testid="worker-row" data-worker={w.workerId} data-credential={w.credential?.id ?? ""}>
                <td className={`${td} font-mono`} title={`started ${new Date(w.startedAt).toLocaleString()}`}>{w.workerId}{w.role === "all" && <span className="ml-1 text-xs text-slate-500">(control plane)</span>}</td>
                <td className={`${td} font-mono`}>{w.pool}</td>
                <td className={td}>{w.version || "—"}</td>
                <td className={td}>{ago(w.beatAt, now)}</td>
                <td className={td}>{w.running}</td>
                <td className={td}><Status status={w.status} /></td>
                <td className={td}>{w.credential ? <span title={w.credential.hint}>{w.credential.name || w.credential.hint}</span> : "—"}</td>
                <td className={`${td} text-right`}>
                  {w.credential && !revokedIds.has(w.credential.id) && (
                    <button onClick={() => revoke(w.credential!.id, `the credential of ${w.workerId}`)} className="text-red-700 hover:underline" data-testid="revoke-worker">Revoke</button>
                  )}
                </td>
              </tr>
            ))}
            {view.workers.length === 0 && <tr><td colSpan={8} className="px-3 py-4 text-slate-500">No worker has registered yet.</td></tr>}
          </tbody>
        </table>
      </section>

      <section>
        <h2 className="text-lg font-semibold text-slate-900">Credentials</h2>
        <p className="mt-1 text-sm text-slate-600">A worker starts only with a live credential of its own pool; the credential carries that pool&apos;s vault keys. Galley keeps a hash, never the token.</p>
        <div className="mt-3"><IssueCredential pools={pools} onIssued={refresh} /></div>
        <table className="mt-3 w-full rounded-lg border border-slate-200 bg-white text-sm" data-testid="credentials-table">
          <thead className="bg-slate-50 text-left text-slate-500">
            <tr><th className={th}>name</th><th className={th}>token</th><th className={th}>pool</th><th className={th}>issued</th><th className={th}>last used</th><th className={th}>live workers</th><th className={th}>state</th><th /></tr>
          </thead>
          <tbody>
            {view.credentials.map((c) => (
              <tr key={c.id} className="border-t border-slate-100" data-testid="credential-row" data-credential={c.id}>
                <td className={td}>{c.name || "—"}</td>
                <td className={`${td} font-mono text-xs`}>{c.hint}</td>
                <td className={`${td} font-mono`}>{c.pool}</td>
                <td className={td}>{ago(c.createdAt, now)}{c.createdBy ? ` by ${c.createdBy}` : " (control plane)"}</td>
                <td className={td}>{ago(c.lastUsedAt, now)}</td>
                <td className={td}>{c.liveWorkers}</td>
                <td className={td}><Status status={c.revokedAt ? "revoked" : "live"} /></td>
                <td className={`${td} text-right`}>
                  {!c.revokedAt && <button onClick={() => revoke(c.id, `credential ${c.name || c.hint}`)} className="text-red-700 hover:underline" data-testid="revoke-credential">Revoke</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <PoolsPanel pools={view.pools} onChanged={refresh} />
    </div>
  );
}
