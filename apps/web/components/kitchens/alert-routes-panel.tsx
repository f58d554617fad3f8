"use client";

// Alert routes of a Kitchen (Settings): list with health (a broken route shows here), add, send a
// test message, switch off, delete. Webhook URLs are write-only: the API never returns them.
import { useState } from "react";
import { ALERT_EVENTS, DEFAULT_EVENTS, EVENT_LABELS } from "@galley/alerts/events";
import { api, kitchenUrl, type ApiError } from "./api";
import { btn, ErrorNote, input, Spinner } from "./ui";
import { useApi } from "./use-api";

interface RouteView { id: string; name: string; kind: string; target: string; events: string[]; enabled: boolean; health: string; lastError: string | null; lastAttemptAt: string | null }
interface DeliveryView { id: string; routeId: string; event: string; status: string; attempts: number; lastError: string | null; title: string; createdAt: string; runId: string | null }

export function AlertRoutesPanel({ kitchen, canWrite }: { kitchen: string; canWrite: boolean }) {
  const routes = useApi<{ routes: RouteView[]; deliveries: DeliveryView[] }>(kitchenUrl(kitchen, "/alert-routes"));
  const [kind, setKind] = useState<"slack" | "webhook" | "email">("slack");
  const [name, setName] = useState("");
  const [target, setTarget] = useState("");
  const [events, setEvents] = useState<string[]>(DEFAULT_EVENTS);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});

  async function add(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = kind === "email" ? { kind, name, to: target.split(/[,\s]+/).filter(Boolean), events } : { kind, name, url: target, events };
    const r = await api("POST", kitchenUrl(kitchen, "/alert-routes"), body);
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setName("");
    setTarget("");
    await routes.reload();
  }

  async function act(id: string, method: "POST" | "PATCH" | "DELETE", suffix: string, body?: unknown) {
    const r = await api<{ ok?: boolean; error?: string | null }>(method, kitchenUrl(kitchen, `/alert-routes/${id}${suffix}`), body);
    if (!r.ok) setNotes((n) => ({ ...n, [id]: r.error.message }));
    else if (suffix === "/test") setNotes((n) => ({ ...n, [id]: r.data.ok ? "Test message delivered." : `Test failed: ${r.data.error}` }));
    await routes.reload();
  }

  if (routes.loading && !routes.data) return <Spinner label="Loading alert routes" />;
  if (routes.error) return <ErrorNote error={routes.error} />;
  const list = routes.data?.routes ?? [];
  return (
    <div className="space-y-4" data-testid="alert-routes">
      {list.length === 0 && <p className="text-sm text-slate-500">No alert routes yet: nobody hears about this Kitchen's runs.</p>}
      <ul className="divide-y divide-slate-100">
        {list.map((r) => (
          <li key={r.id} className="py-2 text-sm" data-testid={`alert-route-${r.name}`}>
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-medium">{r.name}</span>
              <span className="rounded bg-slate-100 px-1.5 text-xs">{r.kind}</span>
              <span className="font-mono text-xs text-slate-500">{r.target}</span>
              <span className={`rounded px-1.5 text-xs ${r.health === "failing" ? "bg-rose-100 text-rose-800" : r.health === "ok" ? "bg-emerald-100 text-emerald-800" : "bg-slate-100 text-slate-600"}`}>
                {r.health === "failing" ? "failing" : r.health === "ok" ? "working" : "not used yet"}
              </span>
              {!r.enabled && <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-800">off</span>}
              {canWrite && (
                <span className="ml-auto flex gap-2">
                  <button className={btn.secondary} onClick={() => act(r.id, "POST", "/test")}>Send test</button>
                  <button className={btn.secondary} onClick={() => act(r.id, "PATCH", "", { enabled: !r.enabled })}>{r.enabled ? "Switch off" : "Switch on"}</button>
                  <button className={btn.secondary} onClick={() => act(r.id, "DELETE", "")}>Delete</button>
                </span>
              )}
            </div>
            <div className="text-xs text-slate-500">{r.events.map((e) => EVENT_LABELS[e as keyof typeof EVENT_LABELS] ?? e).join(" · ")}</div>
            {r.health === "failing" && r.lastError && <p className="mt-1 text-xs text-rose-700" role="alert">Last delivery failed: {r.lastError}</p>}
            {notes[r.id] && <p className="mt-1 text-xs text-slate-700" role="status">{notes[r.id]}</p>}
          </li>
        ))}
      </ul>
      {canWrite && (
        <form onSubmit={add} className="space-y-2 rounded-md border border-slate-200 p-3">
          <div className="flex gap-2">
            <select aria-label="Route kind" className={`${input} w-40`} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
              <option value="slack">Slack webhook</option>
              <option value="webhook">Generic webhook</option>
              <option value="email">Email</option>
            </select>
            <input aria-label="Route name" className={`${input} w-48`} placeholder="name, e.g. team-alerts" value={name} onChange={(e) => setName(e.target.value)} />
            <input aria-label="Route target" className={`${input} font-mono`} placeholder={kind === "email" ? "oncall@example.com, …" : "https://hooks.slack.com/services/… (kept in the vault)"} value={target} onChange={(e) => setTarget(e.target.value)} />
          </div>
          <fieldset className="flex flex-wrap gap-3 text-xs">
            {ALERT_EVENTS.map((ev) => (
              <label key={ev} className="flex items-center gap-1">
                <input type="checkbox" checked={events.includes(ev)} onChange={(e) => setEvents((cur) => (e.target.checked ? [...cur, ev] : cur.filter((x) => x !== ev)))} />
                {EVENT_LABELS[ev]}
              </label>
            ))}
          </fieldset>
          <ErrorNote error={error} />
          <button className={btn.primary} disabled={busy || !name || !target}>{busy ? "Adding…" : "Add route"}</button>
        </form>
      )}
      {(routes.data?.deliveries.length ?? 0) > 0 && (
        <details className="text-xs">
          <summary className="cursor-pointer text-slate-600">Recent deliveries</summary>
          <ul className="mt-1 space-y-1">
            {routes.data!.deliveries.map((d) => (
              <li key={d.id}>
                <span className={d.status === "failed" ? "text-rose-700" : d.status === "delivered" ? "text-emerald-700" : "text-slate-600"}>{d.status}</span> after {d.attempts} attempt(s) · {d.title}
                {d.lastError && d.status !== "delivered" ? ` — ${d.lastError}` : ""}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
