"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, type ApiError } from "../kitchens/api";
import { btn, ErrorNote } from "../kitchens/ui";

/** Asks for review: a merge request from `kitchen` into its parent. */
export function OpenRequestForm({ kitchen, parent }: { kitchen: string; parent: string }) {
  const router = useRouter();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api<{ id: string }>("POST", `/api/kitchens/${encodeURIComponent(kitchen)}/merge-requests`, { title, description });
    setBusy(false);
    if (r.ok) router.push(`/merge-requests/${r.data.id}`);
    else setError(r.error);
  };
  return (
    <form onSubmit={submit} className="space-y-2" data-testid="open-request-form">
      <input aria-label="Title" className="w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm" placeholder={`What ${kitchen} brings to ${parent}`} value={title} onChange={(e) => setTitle(e.target.value)} />
      <textarea aria-label="Description" className="w-full rounded-md border border-slate-300 p-2 text-sm" rows={3} placeholder="Why, and how to check it" value={description} onChange={(e) => setDescription(e.target.value)} />
      <button type="submit" className={btn.primary} disabled={busy || !title.trim()}>{busy ? "Opening…" : "Open merge request"}</button>
      <ErrorNote error={error} />
    </form>
  );
}
