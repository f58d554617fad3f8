"use client";

// Schedules of a Kitchen: definitions from the branch's schedules.yaml, switch per Kitchen, the
// next ticks and the history of each. Refusals (bad cron, unknown zone, a developer in production)
// show here, where they were made.
import { useState } from "react";
import { api, kitchenUrl, type ApiError } from "./api";
import { btn, ErrorNote, input, Spinner } from "./ui";
import { useApi } from "./use-api";

interface Tick { id: string; tickAt: string; status: string; reason: string | null; runId: string | null; runStatus: string | null }
interface ScheduleView { id: string; name: string; pipeline: string; cron: string; timezone: string; parameters: Record<string, unknown>; enabled: boolean; problem: string | null; removed: boolean; nextRuns: string[]; history: Tick[] }
interface ListView { environmentKind: string; canEdit: boolean; canSwitch: boolean; switchRefusal: string | null; fileErrors: string[]; schedules: ScheduleView[] }

const when = (iso: string) => new Date(iso).toLocaleString();

/**
 * "name=value" per line (or comma-separated) → parameters; true/false and numbers become
 * booleans and numbers, as in the YAML file. A line without "=" is reported, not dropped.
 */
export function parseParameters(text: string): { ok: true; value: Record<string, string | number | boolean> } | { ok: false; message: string } {
  const out: Record<string, string | number | boolean> = {};
  for (const raw of text.split(/[\n,]/)) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf("=");
    if (at <= 0) return { ok: false, message: `parameters: "${line}" is not name=value` };
    const name = line.slice(0, at).trim();
    const v = line.slice(at + 1).trim();
    out[name] = v === "true" ? true : v === "false" ? false : v !== "" && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return { ok: true, value: out };
}

const showParameters = (p: Record<string, unknown>) => Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join(", ");

export function SchedulesPanel({ kitchen }: { kitchen: string }) {
  const list = useApi<ListView>(kitchenUrl(kitchen, "/schedules"));
  const [form, setForm] = useState({ name: "", pipeline: "", cron: "0 6 * * 1", timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", parameters: "", enable: false });
  const [error, setError] = useState<ApiError | null>(null);
  const [rowError, setRowError] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    const parameters = parseParameters(form.parameters);
    if (!parameters.ok) return setError({ code: "invalid_input", message: parameters.message, field: "parameters" } as ApiError);
    setBusy(true);
    const r = await api("POST", kitchenUrl(kitchen, "/schedules"), { ...form, parameters: parameters.value });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    await list.reload();
  }

  async function toggle(s: ScheduleView) {
    const r = await api("PUT", kitchenUrl(kitchen, `/schedules/${encodeURIComponent(s.name)}`), { enabled: !s.enabled });
    setRowError((m) => ({ ...m, [s.name]: r.ok ? "" : r.error.message }));
    await list.reload();
  }

  if (list.loading && !list.data) return <Spinner label="Loading schedules" />;
  if (list.error) return <ErrorNote error={list.error} />;
  const d = list.data!;
  return (
    <div className="space-y-4" data-testid="schedules">
      <p className="text-xs text-slate-500">
        Schedules are defined in <span className="font-mono">schedules.yaml</span> on this Kitchen's branch and move with merges; whether one runs here is switched per Kitchen.
        {d.environmentKind === "production" && " In production, a schedule arrives switched off and only production engineers switch it on."}
      </p>
      {d.switchRefusal && <p className="text-xs text-amber-800" data-testid="switch-refusal">{d.switchRefusal}</p>}
      {d.fileErrors.map((e) => <ErrorNote key={e} error={e} />)}
      {d.schedules.length === 0 && <p className="text-sm text-slate-500">No schedules.</p>}
      {d.schedules.map((s) => (
        <div key={s.id} className="rounded-md border border-slate-200 p-3 text-sm" data-testid={`schedule-${s.name}`}>
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{s.name}</span>
            <span className="text-slate-500">runs {s.pipeline}</span>
            <span className="font-mono text-xs">{s.cron}</span>
            <span className="text-xs text-slate-500">{s.timezone}</span>
            {Object.keys(s.parameters).length > 0 && <span className="font-mono text-xs text-slate-500" data-testid="schedule-parameters">{showParameters(s.parameters)}</span>}
            <span className={`rounded px-1.5 text-xs ${s.enabled ? "bg-emerald-100 text-emerald-800" : "bg-slate-100 text-slate-600"}`}>{s.removed ? "removed from the branch" : s.enabled ? "enabled" : "disabled"}</span>
            {!s.removed && (
              <button className={`${btn.secondary} ml-auto`} disabled={!d.canSwitch || (!s.enabled && !!s.problem)} title={d.canSwitch ? "" : "You may not switch schedules in this Kitchen"} onClick={() => toggle(s)}>
                {s.enabled ? "Disable" : "Enable"}
              </button>
            )}
          </div>
          {s.problem && <p className="mt-1 text-xs text-rose-700">{s.problem}</p>}
          {rowError[s.name] && <p className="mt-1 text-xs text-rose-700" role="alert">{rowError[s.name]}</p>}
          {s.nextRuns.length > 0 && <p className="mt-1 text-xs text-slate-600" data-testid="next-runs">Next: {s.nextRuns.map(when).join(" · ")}{s.enabled ? "" : " (when enabled)"}</p>}
          {s.history.length > 0 && (
            <ul className="mt-2 space-y-0.5 text-xs">
              {s.history.map((t) => (
                <li key={t.id}>
                  {when(t.tickAt)} — {t.status}
                  {t.runId && <> · <a className="underline" href={`/runs/${t.runId}`}>run {t.runStatus ?? ""}</a></>}
                  {t.reason && <span className="text-slate-500"> · {t.reason}</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      ))}
      {d.canEdit && (
        <form onSubmit={save} className="grid gap-2 rounded-md border border-slate-200 p-3 sm:grid-cols-5">
          <input aria-label="Schedule name" className={input} placeholder="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          <input aria-label="Pipeline" className={input} placeholder="pipeline" value={form.pipeline} onChange={(e) => setForm({ ...form, pipeline: e.target.value })} />
          <input aria-label="Cron rule" className={`${input} font-mono`} value={form.cron} onChange={(e) => setForm({ ...form, cron: e.target.value })} />
          <input aria-label="Time zone" className={input} value={form.timezone} onChange={(e) => setForm({ ...form, timezone: e.target.value })} />
          <textarea
            aria-label="Parameters"
            className={`${input} font-mono sm:col-span-4`}
            rows={2}
            placeholder="parameters, one name=value per line (optional)"
            value={form.parameters}
            onChange={(e) => setForm({ ...form, parameters: e.target.value })}
          />
          <label className="flex items-center gap-1 text-xs">
            <input type="checkbox" checked={form.enable} disabled={!d.canSwitch} onChange={(e) => setForm({ ...form, enable: e.target.checked })} /> enable now
          </label>
          <div className="sm:col-span-5">
            <ErrorNote error={error} />
            <button className={btn.primary} disabled={busy || !form.name || !form.pipeline}>{busy ? "Saving…" : "Save schedule (commit)"}</button>
          </div>
        </form>
      )}
    </div>
  );
}
