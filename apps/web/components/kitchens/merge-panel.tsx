"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, kitchenUrl, type ApiError, type MergeOutcome, type MergePreview } from "./api";
import { DiffList } from "./diff-view";
import { kitchenHref, mergeHref } from "./paths";
import { btn, ErrorNote, FileStatus, ShortSha, Spinner } from "./ui";

type Direction = "down" | "up";

function PreviewSummary({ preview }: { preview: MergePreview }) {
  const counts = { added: 0, modified: 0, deleted: 0 } as Record<string, number>;
  for (const f of preview.files) counts[f.status] = (counts[f.status] ?? 0) + 1;
  const conflicted = new Set(preview.conflicts.map((c) => c.path));
  if (preview.upToDate) {
    return <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="merge-up-to-date">Already up to date: {preview.target} has everything from {preview.source}.</p>;
  }
  return (
    <div className="space-y-3" data-testid="merge-preview">
      <div className="flex flex-wrap gap-2 text-xs">
        <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-emerald-700 ring-1 ring-inset ring-emerald-200">{counts.added ?? 0} added</span>
        <span className="rounded-full bg-amber-50 px-2 py-0.5 text-amber-800 ring-1 ring-inset ring-amber-200">{counts.modified ?? 0} changed</span>
        <span className="rounded-full bg-rose-50 px-2 py-0.5 text-rose-700 ring-1 ring-inset ring-rose-200">{counts.deleted ?? 0} removed</span>
        {preview.conflicts.length > 0 && <span className="rounded-full bg-rose-600 px-2 py-0.5 font-medium text-white">{preview.conflicts.length} conflict{preview.conflicts.length === 1 ? "" : "s"}</span>}
        {preview.fastForward && <span className="rounded-full bg-sky-50 px-2 py-0.5 text-sky-700 ring-1 ring-inset ring-sky-200">fast-forward</span>}
      </div>
      <ul className="max-h-64 space-y-1 overflow-y-auto">
        {preview.files.map((f) => (
          <li key={f.path} className="flex items-center gap-2 text-sm">
            <FileStatus status={conflicted.has(f.path) ? "conflict" : f.status} />
            <span className="truncate font-mono text-slate-800">{f.path}</span>
            {conflicted.has(f.path) && <span className="text-xs font-medium text-rose-700">conflict</span>}
          </li>
        ))}
        {preview.conflicts.filter((c) => !preview.files.some((f) => f.path === c.path)).map((c) => (
          <li key={c.path} className="flex items-center gap-2 text-sm">
            <FileStatus status="conflict" />
            <span className="truncate font-mono text-slate-800">{c.path}</span>
            <span className="text-xs font-medium text-rose-700">conflict</span>
          </li>
        ))}
      </ul>
      {preview.diff.length > 0 && (
        <div data-testid="merge-preview-diff">
          <DiffList files={preview.diff.map((d) => ({ ...d, status: preview.files.find((f) => f.path === d.path)?.status }))} />
        </div>
      )}
      {preview.conflicts.length > 0 && (
        <p className="text-sm text-slate-600">Both sides changed the same lines. Starting the merge opens the three-panel view to resolve them; nothing lands on {preview.target} until you commit there.</p>
      )}
    </div>
  );
}

/** One direction: preview first, then the merge on confirmation; conflicts continue in /merges/[id]. */
export function MergeDirectionCard({ kitchen, parent, direction, allowed, refusal }: { kitchen: string; parent: string; direction: Direction; allowed: boolean; refusal: string }) {
  const router = useRouter();
  const source = direction === "down" ? parent : kitchen;
  const target = direction === "down" ? kitchen : parent;
  const [preview, setPreview] = useState<MergePreview | null>(null);
  const [phase, setPhase] = useState<"idle" | "previewing" | "merging" | "done">("idle");
  const [message, setMessage] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [commit, setCommit] = useState<string | null>(null);

  async function runPreview() {
    setPhase("previewing");
    setError(null);
    setCommit(null);
    const r = await api<MergePreview>("POST", kitchenUrl(kitchen, "/merge/preview"), { direction });
    setPhase("idle");
    if (!r.ok) return setError(r.error);
    setPreview(r.data);
  }

  async function merge() {
    setPhase("merging");
    setError(null);
    const r = await api<MergeOutcome>("POST", kitchenUrl(kitchen, "/merge"), { direction, ...(message.trim() ? { message: message.trim() } : {}) });
    if (!r.ok) {
      setPhase("idle");
      // The target moved since the preview: show the new state rather than a stale one.
      if (r.error.status === 409) setPreview(null);
      return setError(r.error);
    }
    if (r.data.status === "conflicts") {
      router.push(mergeHref(r.data.mergeId));
      return;
    }
    setCommit(r.data.commit);
    setPhase("done");
    setPreview(null);
    router.refresh();
  }

  const title = direction === "down" ? `Merge down from ${parent}` : `Merge up into ${parent}`;
  const blurb = direction === "down" ? `Bring ${parent}'s newer work into ${kitchen}.` : `Propose ${kitchen}'s work to ${parent}: its branch merges into ${parent}'s.`;
  return (
    <section className="rounded-lg border border-slate-200 bg-white shadow-sm" data-testid={`merge-${direction}`}>
      <div className="flex items-center gap-3 border-b border-slate-100 px-4 py-3">
        <span aria-hidden className={`grid h-8 w-8 place-items-center rounded-full text-base ${direction === "down" ? "bg-sky-50 text-sky-700" : "bg-violet-50 text-violet-700"}`}>{direction === "down" ? "↓" : "↑"}</span>
        <div className="min-w-0">
          <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
          <p className="text-xs text-slate-500">{blurb} <span className="font-mono">{source}</span> → <span className="font-mono">{target}</span></p>
        </div>
      </div>
      <div className="space-y-3 px-4 py-3">
        {!allowed && <p className="text-sm text-slate-600">{refusal}</p>}
        <ErrorNote error={error} />
        {commit && (
          <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="merge-committed">
            Merged {source} into {target}: commit <ShortSha sha={commit} />.{" "}
            <Link href={`${kitchenHref(target, "/history")}?sha=${commit}`} className="font-medium underline">See it in {target}'s history</Link>
          </p>
        )}
        {preview && <PreviewSummary preview={preview} />}
        {preview && !preview.upToDate && allowed && (
          <div className="space-y-2">
            <label htmlFor={`merge-message-${direction}`} className="block text-xs font-medium text-slate-600">Merge commit message (optional)</label>
            <input id={`merge-message-${direction}`} value={message} onChange={(e) => setMessage(e.target.value)} placeholder={`Merge ${source} into ${target}`} className="block w-full rounded-md border border-slate-300 px-2.5 py-1.5 font-mono text-sm" />
          </div>
        )}
        <div className="flex flex-wrap items-center gap-2">
          <button type="button" className={preview ? btn.secondary : btn.primary} disabled={phase !== "idle" && phase !== "done"} onClick={runPreview}>
            {phase === "previewing" ? "Previewing…" : preview ? "Preview again" : `Preview ${direction === "down" ? "merge down" : "merge up"}`}
          </button>
          {preview && !preview.upToDate && allowed && (
            <button type="button" className={btn.primary} disabled={phase !== "idle"} onClick={merge}>
              {phase === "merging" ? "Merging…" : preview.conflicts.length > 0 ? `Start merge and resolve ${preview.conflicts.length} conflict${preview.conflicts.length === 1 ? "" : "s"}` : `Merge ${source} into ${target}`}
            </button>
          )}
          {phase === "merging" && <Spinner />}
        </div>
      </div>
    </section>
  );
}
