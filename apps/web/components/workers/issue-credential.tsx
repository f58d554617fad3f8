"use client";

import { useState } from "react";
import { call, errorOf } from "./api";

/** Issues a credential for a pool and shows its token once, with the command that uses it. */
export function IssueCredential({ pools, onIssued }: { pools: string[]; onIssued: () => void }) {
  const [pool, setPool] = useState(pools.includes("default") ? "default" : (pools[0] ?? "default"));
  const [name, setName] = useState("");
  const [issued, setIssued] = useState<{ token: string; pool: string; hint: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function issue(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await call("POST", "/api/admin/worker-credentials", { pool, name });
    setBusy(false);
    if (!r.ok) return setError(errorOf(r, "could not issue the credential"));
    setIssued(r.data.credential);
    setName("");
    onIssued();
  }

  return (
    <div className="space-y-3">
      <form onSubmit={issue} className="flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-3" data-testid="issue-credential-form">
        <label className="flex flex-col text-xs text-slate-600">
          pool
          <input value={pool} onChange={(e) => setPool(e.target.value.trim())} list="known-pools" pattern="[a-z][a-z0-9\-]{0,39}" required className="mt-1 rounded border border-slate-300 px-2 py-1 font-mono text-sm" data-testid="issue-pool" />
          <datalist id="known-pools">{pools.map((p) => <option key={p} value={p} />)}</datalist>
        </label>
        <label className="flex flex-1 flex-col text-xs text-slate-600">
          name (which host it is for)
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} placeholder="worker-2.internal" className="mt-1 rounded border border-slate-300 px-2 py-1 text-sm" data-testid="issue-name" />
        </label>
        <button disabled={busy} className="rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50" data-testid="issue-credential">Issue credential</button>
      </form>
      {error && <p className="text-sm text-red-700" role="alert">{error}</p>}
      {issued && (
        <div className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" data-testid="issued-credential">
          <p className="font-medium">Credential for pool <span className="font-mono">{issued.pool}</span>: copy it now, it is not shown again.</p>
          <code className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-xs" data-testid="issued-token">{issued.token}</code>
          <p className="mt-2 text-xs">On the worker host (it carries the pool&apos;s vault keys: keep it like a password, in a file of mode 600 or a secret store):</p>
          <code className="mt-1 block whitespace-pre-wrap break-all rounded bg-white px-2 py-1 font-mono text-xs">{`GALLEY_WORKER_CREDENTIAL=${issued.token} DATABASE_URL=… REDIS_URL=… \\\n  pnpm --filter @galley/worker start -- --role nodes --pool ${issued.pool}`}</code>
          <button onClick={() => setIssued(null)} className="mt-2 text-xs underline">I have copied it</button>
        </div>
      )}
    </div>
  );
}
