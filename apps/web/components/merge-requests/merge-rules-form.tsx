"use client";

import { useState } from "react";
import { api, type ApiError } from "../kitchens/api";
import { btn, ErrorNote } from "../kitchens/ui";

export interface MergeRulesValue {
  requireRequest: boolean;
  approvals: number;
  approvers: string;
  mergers: string;
  requireGreenChecks: boolean;
}

const WHO = [
  ["staff", "its staff"],
  ["developer", "developers"],
  ["dataops", "DataOps engineers"],
  ["production", "production engineers"],
  ["admin", "admins"],
] as const;

/** Who may merge into this Kitchen, and what a merge request needs. */
export function MergeRulesForm({ kitchen, initial, editable }: { kitchen: string; initial: MergeRulesValue; editable: boolean }) {
  const [v, setV] = useState(initial);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const set = (patch: Partial<MergeRulesValue>) => {
    setSaved(false);
    setV({ ...v, ...patch });
  };
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    const r = await api("PUT", `/api/kitchens/${encodeURIComponent(kitchen)}/merge-rules`, v);
    if (r.ok) setSaved(true);
    else setError(r.error);
  };
  return (
    <form onSubmit={save} className="space-y-2 text-sm" data-testid="merge-rules">
      <fieldset disabled={!editable} className="space-y-2">
        <label className="flex items-center gap-2"><input type="checkbox" checked={v.requireRequest} onChange={(e) => set({ requireRequest: e.target.checked })} /> Changes arrive only through merge requests</label>
        <label className="flex items-center gap-2">
          Approvals needed <input aria-label="Approvals needed" type="number" min={0} max={10} className="w-16 rounded border border-slate-300 px-1" value={v.approvals} onChange={(e) => set({ approvals: Number(e.target.value) })} />
          by
          <select aria-label="Approvers" className="rounded border border-slate-300" value={v.approvers} onChange={(e) => set({ approvers: e.target.value })}>
            {WHO.map(([k, label]) => <option key={k} value={k}>{label}</option>)}
          </select>
        </label>
        <label className="flex items-center gap-2">
          Who may merge
          <select aria-label="Mergers" className="rounded border border-slate-300" value={v.mergers} onChange={(e) => set({ mergers: e.target.value })}>
            {WHO.map(([k, label]) => <option key={k} value={k}>{label}</option>)}
          </select>
        </label>
        <label className="flex items-center gap-2"><input type="checkbox" checked={v.requireGreenChecks} onChange={(e) => set({ requireGreenChecks: e.target.checked })} /> Changed pipelines must have a green run at the request's latest commit</label>
      </fieldset>
      {editable ? <button type="submit" className={btn.primary}>Save merge rules</button> : <p className="text-xs text-slate-500">Only the Kitchen's owners change its merge rules.</p>}
      {saved && <p className="text-emerald-700">Merge rules saved.</p>}
      <ErrorNote error={error} />
    </form>
  );
}
