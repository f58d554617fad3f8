"use client";

import { useState } from "react";
import { call, errorOf, type WorkersWire } from "./api";

/** Each pool's environments, workers, load and capacity limit; moving an environment to another pool. */
export function PoolsPanel({ pools, onChanged }: { pools: WorkersWire["pools"]; onChanged: () => Promise<void> }) {
  const [limits, setLimits] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const environments = pools.flatMap((p) => p.environments.map((e) => ({ name: e, pool: p.pool }))).sort((a, b) => a.name.localeCompare(b.name));
  const [env, setEnv] = useState(environments[0]?.name ?? "");
  const [target, setTarget] = useState("");

  async function saveLimit(pool: string) {
    setError(null);
    const text = (limits[pool] ?? "").trim();
    const r = await call("PUT", `/api/admin/worker-pools/${encodeURIComponent(pool)}`, { maxRunning: text === "" ? null : Number(text) });
    if (!r.ok) return setError(errorOf(r, "could not save the limit"));
    setNote(`pool ${pool}: ${r.data.maxRunning === null ? "no limit" : `at most ${r.data.maxRunning} nodes at once`} (its workers apply it within 5 s)`);
    await onChanged();
  }

  async function move(e: React.FormEvent) {
    e.preventDefault();
    if (!confirm(`Move environment ${env} to pool ${target}? Its secrets are re-wrapped with ${target}'s key; from now on only ${target}'s workers run its nodes.`)) return;
    setError(null);
    const r = await call("PUT", `/api/admin/environments/${encodeURIComponent(env)}/pool`, { pool: target });
    if (!r.ok) return setError(errorOf(r, "could not move the environment"));
    setNote(`environment ${env} now runs on pool ${r.data.pool} (${r.data.rewrapped} secret${r.data.rewrapped === 1 ? "" : "s"} re-wrapped)`);
    setTarget("");
    await onChanged();
  }

  return (
    <section>
      <h2 className="text-lg font-semibold text-slate-900">Pools</h2>
      {error && <p className="mt-2 text-sm text-red-700" role="alert">{error}</p>}
      {note && <p className="mt-2 text-sm text-emerald-800" data-testid="pools-note">{note}</p>}
      <table className="mt-2 w-full rounded-lg border border-slate-200 bg-white text-sm" data-testid="pools-table">
        <thead className="bg-slate-50 text-left text-slate-500">
          <tr><th className="px-3 py-2">pool</th><th className="px-3 py-2">environments</th><th className="px-3 py-2">live workers</th><th className="px-3 py-2">nodes running</th><th className="px-3 py-2">max nodes at once</th></tr>
        </thead>
        <tbody>
          {pools.map((p) => (
            <tr key={p.pool} className="border-t border-slate-100" data-testid="pool-row" data-pool={p.pool}>
              <td className="px-3 py-2 font-mono">{p.pool}</td>
              <td className="px-3 py-2">{p.environments.join(", ") || "—"}</td>
              <td className={`px-3 py-2 ${p.liveWorkers === 0 && p.environments.length ? "font-medium text-rose-700" : ""}`}>{p.liveWorkers}</td>
              <td className="px-3 py-2">{p.running}</td>
              <td className="px-3 py-2">
                <form onSubmit={(e) => (e.preventDefault(), void saveLimit(p.pool))} className="flex items-center gap-2">
                  <input type="number" min={1} max={10000} placeholder="no limit" value={limits[p.pool] ?? (p.maxRunning === null ? "" : String(p.maxRunning))} onChange={(e) => setLimits({ ...limits, [p.pool]: e.target.value })} className="w-24 rounded border border-slate-300 px-2 py-1 text-sm" aria-label={`capacity of pool ${p.pool}`} />
                  <button className="text-sm text-slate-700 underline">Save</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {environments.length > 0 && (
        <form onSubmit={move} className="mt-3 flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-3" data-testid="move-environment-form">
          <label className="flex flex-col text-xs text-slate-600">
            environment
            <select value={env} onChange={(e) => setEnv(e.target.value)} className="mt-1 rounded border border-slate-300 px-2 py-1 text-sm" data-testid="move-environment">
              {environments.map((e) => <option key={e.name} value={e.name}>{e.name} (pool {e.pool})</option>)}
            </select>
          </label>
          <label className="flex flex-col text-xs text-slate-600">
            to pool
            <input value={target} onChange={(e) => setTarget(e.target.value.trim())} pattern="[a-z][a-z0-9\-]{0,39}" required className="mt-1 rounded border border-slate-300 px-2 py-1 font-mono text-sm" data-testid="move-pool" />
          </label>
          <button className="rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white" data-testid="move-environment-submit">Move</button>
          <p className="w-full text-xs text-slate-500">Re-wraps the environment&apos;s secrets with the pool&apos;s key (GALLEY_POOL_KEKS), as <code>pnpm galley set-pool</code> does. Runs already planned keep their pool.</p>
        </form>
      )}
    </section>
  );
}
