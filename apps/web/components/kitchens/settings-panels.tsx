"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, kitchenUrl, type ApiError, type KitchenDetail } from "./api";
import { btn, ErrorNote, FieldError, input, Spinner } from "./ui";
import { useApi } from "./use-api";

/** The description (PATCH /api/kitchens/:k). Alerts have their own panel: alert routes. */
export function GeneralSettings({ kitchen, description, canWrite }: { kitchen: string; description: string; canWrite: boolean }) {
  const router = useRouter();
  const [desc, setDesc] = useState(description);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    const r = await api("PATCH", kitchenUrl(kitchen), { description: desc });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setSaved(true);
    router.refresh();
  }

  return (
    <form onSubmit={save} className="space-y-3">
      <div>
        <label htmlFor="kitchen-description" className="block text-sm font-medium text-slate-700">Description</label>
        <textarea id="kitchen-description" value={desc} onChange={(e) => setDesc(e.target.value)} maxLength={500} rows={2} disabled={!canWrite} className={`${input} mt-1`} />
        {error?.field === "description" && <FieldError message={error.message} />}
      </div>
      {error && error.field !== "description" && <ErrorNote error={error} />}
      {canWrite && (
        <div className="flex items-center gap-3">
          <button className={btn.primary} disabled={busy || desc === description}>{busy ? "Saving…" : "Save"}</button>
          {saved && <span className="text-sm text-emerald-700" role="status">Saved.</span>}
        </div>
      )}
    </form>
  );
}

/** Staff: add by email, remove (owners and admins; the API says no to others). */
export function StaffSettings({ kitchen, canManage, currentUserId }: { kitchen: string; canManage: boolean; currentUserId: string }) {
  const detail = useApi<KitchenDetail>(kitchenUrl(kitchen));
  const [email, setEmail] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function add(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api("POST", kitchenUrl(kitchen, "/staff"), { email: email.trim() });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setEmail("");
    await detail.reload();
  }

  async function remove(id: string, name: string) {
    if (!confirm(id === currentUserId ? `Leave ${kitchen}? You will lose access to it.` : `Remove ${name} from ${kitchen}'s staff?`)) return;
    setError(null);
    const r = await api("DELETE", kitchenUrl(kitchen, `/staff/${encodeURIComponent(id)}`));
    if (!r.ok) return setError(r.error);
    await detail.reload();
  }

  if (detail.error) return <ErrorNote error={detail.error} />;
  if (!detail.data) return <Spinner label="Loading staff…" />;
  return (
    <div className="space-y-3" data-testid="staff-settings">
      <ul className="divide-y divide-slate-100">
        {detail.data.kitchen.staff.map((s) => (
          <li key={s.id} className="flex items-center gap-3 py-2 text-sm">
            <span className="min-w-0 flex-1">
              <span className="text-slate-900">{s.name}</span> <span className="text-slate-500">{s.email}</span>
              {s.isOwner && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">owner</span>}
            </span>
            {canManage && (
              <button type="button" onClick={() => remove(s.id, s.name)} className="text-xs text-rose-700 hover:underline" aria-label={`Remove ${s.name}`}>remove</button>
            )}
          </li>
        ))}
      </ul>
      {canManage && (
        <form onSubmit={add} className="flex flex-wrap items-start gap-2">
          <div className="min-w-[16rem] flex-1">
            <label htmlFor="staff-email" className="sr-only">Email of the person to add</label>
            <input id="staff-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="colleague@example.com" required className={input} />
            {error?.field === "email" && <FieldError message={error.message} />}
          </div>
          <button className={btn.primary} disabled={busy || !email.trim()}>{busy ? "Adding…" : "Add to staff"}</button>
        </form>
      )}
      {error && error.field !== "email" && <ErrorNote error={error} />}
    </div>
  );
}

/** Delete: type the name to confirm; never for production nor a Kitchen with children. */
export function DeleteKitchen({ kitchen, blocked }: { kitchen: string; blocked: string | null }) {
  const router = useRouter();
  const [confirmName, setConfirmName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function remove(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api("DELETE", kitchenUrl(kitchen), { confirm: confirmName });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    router.push("/");
    router.refresh();
  }

  return (
    <form onSubmit={remove} className="space-y-3">
      <p className="text-sm text-slate-700">
        Deleting removes the branch <span className="font-mono">{kitchen}</span> and the warehouse schema <span className="font-mono">{kitchen}</span>. Its history (commits, runs, audit) stays.
      </p>
      {blocked ? (
        <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600" data-testid="delete-blocked">{blocked}</p>
      ) : (
        <>
          <label htmlFor="confirm-delete" className="block text-sm text-slate-700">Type <span className="font-mono font-semibold">{kitchen}</span> to confirm</label>
          <input id="confirm-delete" value={confirmName} onChange={(e) => setConfirmName(e.target.value)} autoComplete="off" className={`${input} max-w-sm font-mono`} />
        </>
      )}
      <ErrorNote error={error} />
      <button className={btn.danger} disabled={!!blocked || busy || confirmName !== kitchen}>{busy ? "Deleting…" : `Delete ${kitchen}`}</button>
    </form>
  );
}
