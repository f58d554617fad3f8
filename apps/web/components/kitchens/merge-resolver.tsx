"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { api, kitchenUrl, type ApiError, type KitchenDetail, type MergeConflict } from "./api";
import { initialResolutions, stateOf, take, type FileResolution, type FileState, type Who } from "./merge-state";
import { kitchenHref } from "./paths";
import { ThreePanel } from "./three-panel";
import { btn, ErrorNote, ShortSha, Spinner } from "./ui";
import { useApi } from "./use-api";

interface MergeView {
  id: string;
  source: string;
  target: string;
  status: string;
  resultCommit?: string | null;
  conflicts: MergeConflict[];
}

const STATE_BADGE: Record<FileState, { label: string; cls: string }> = {
  unresolved: { label: "unresolved", cls: "bg-rose-50 text-rose-700 ring-rose-200" },
  markers: { label: "markers left", cls: "bg-amber-50 text-amber-800 ring-amber-200" },
  resolved: { label: "resolved", cls: "bg-emerald-50 text-emerald-700 ring-emerald-200" },
};

/** The three-panel conflict resolution of one merge: a file list, and per file parent | result | child. */
export function MergeResolver({ id }: { id: string }) {
  const router = useRouter();
  const merge = useApi<{ merge: MergeView }>(`/api/merges/${encodeURIComponent(id)}`);
  const m = merge.data?.merge ?? null;
  const target = useApi<KitchenDetail>(m ? kitchenUrl(m.target) : null);
  const [resolutions, setResolutions] = useState<Record<string, FileResolution>>({});
  const [selected, setSelected] = useState<string | null>(null);
  const [busy, setBusy] = useState<"commit" | "abort" | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [committed, setCommitted] = useState<string | null>(null);

  useEffect(() => {
    if (!m) return;
    setResolutions(initialResolutions(m.conflicts));
    setSelected((s) => s ?? m.conflicts[0]?.path ?? null);
  }, [m]);

  if (merge.error) return <ErrorNote error={merge.error} />;
  if (!m || (!target.data && !target.error)) return <Spinner label="Loading the merge…" />;

  // Merging down, the source is the target's parent; otherwise the target is the parent (merge up).
  const down = target.data?.kitchen.parent === m.source;
  const oursIs: Who = down ? "child" : "parent";
  const names: Record<Who, string> = down ? { parent: m.source, child: m.target } : { parent: m.target, child: m.source };
  const open = m.status === "open" && !committed;
  const states = m.conflicts.map((c) => stateOf(resolutions[c.path]));
  const done = states.filter((s) => s === "resolved").length;
  const allResolved = done === m.conflicts.length;
  const current = m.conflicts.find((c) => c.path === selected) ?? m.conflicts[0];

  const update = (path: string, r: FileResolution) => setResolutions((all) => ({ ...all, [path]: r }));

  async function commit() {
    setBusy("commit");
    setError(null);
    const body = { resolutions: Object.fromEntries(m!.conflicts.map((c) => [c.path, resolutions[c.path]?.content ?? null])) };
    const r = await api<{ status: string; commit: string }>("POST", `/api/merges/${encodeURIComponent(id)}/resolve`, body);
    setBusy(null);
    if (!r.ok) {
      setError(r.error);
      const named = m!.conflicts.find((c) => r.error.field?.includes(c.path) || r.error.message.includes(c.path));
      if (named) setSelected(named.path);
      return;
    }
    setCommitted(r.data.commit);
    router.refresh();
  }

  async function abort() {
    if (!confirm(`Abort merging ${m!.source} into ${m!.target}? Your resolutions are discarded; ${m!.target} stays as it is.`)) return;
    setBusy("abort");
    setError(null);
    const r = await api("POST", `/api/merges/${encodeURIComponent(id)}/abort`);
    setBusy(null);
    if (!r.ok) return setError(r.error);
    router.push(kitchenHref(m!.target, "/merge"));
  }

  return (
    <div className="flex h-[calc(100vh-4.5rem)] min-h-[36rem] flex-col gap-3" data-testid="merge-resolver">
      <div className="flex flex-wrap items-center gap-3">
        <div className="min-w-0">
          <h1 className="text-lg font-semibold text-slate-900">
            Merge <Link href={kitchenHref(m.source)} className="font-mono hover:underline">{m.source}</Link> into <Link href={kitchenHref(m.target)} className="font-mono hover:underline">{m.target}</Link>
          </h1>
          <p className="text-xs text-slate-500">
            {down ? "Merging down: the parent's work comes into the child." : "Merging up: the child's work goes into the parent."} {m.conflicts.length} conflicted file{m.conflicts.length === 1 ? "" : "s"}.
          </p>
        </div>
        <div className="ml-auto flex items-center gap-3">
          {open && (
            <>
              <div className="flex items-center gap-2 text-sm text-slate-600" aria-label="progress">
                <span className="h-2 w-28 overflow-hidden rounded-full bg-slate-200">
                  <span className="block h-2 rounded-full bg-emerald-500 transition-all" style={{ width: `${(done / Math.max(1, m.conflicts.length)) * 100}%` }} />
                </span>
                <span data-testid="resolved-count">{done} of {m.conflicts.length} resolved</span>
              </div>
              <button type="button" className={btn.secondary} disabled={busy !== null} onClick={abort}>{busy === "abort" ? "Aborting…" : "Abort"}</button>
              <button type="button" className={btn.primary} disabled={!allResolved || busy !== null} onClick={commit} title={allResolved ? undefined : "Resolve every file first (no conflict markers left)"}>
                {busy === "commit" ? "Committing…" : "Commit merge"}
              </button>
            </>
          )}
        </div>
      </div>
      <ErrorNote error={error} />
      {error?.status === 409 && (
        <p className="text-sm text-slate-600">
          {m.target} changed since this merge started. <Link href={kitchenHref(m.target, "/merge")} className="font-medium underline">Preview the merge again</Link>.
        </p>
      )}
      {target.error && <ErrorNote error={`Could not tell which side is the parent (${target.error.message}); panels are labelled by Kitchen.`} />}
      {committed && (
        <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900" data-testid="merge-done">
          Merged {m.source} into {m.target}: commit <ShortSha sha={committed} />.{" "}
          <Link href={`${kitchenHref(m.target, "/files")}?path=${encodeURIComponent(current?.path ?? "")}`} className="font-medium underline">Open the merged file</Link>
          {" · "}
          <Link href={`${kitchenHref(m.target, "/history")}?sha=${committed}`} className="font-medium underline">History of {m.target}</Link>
        </div>
      )}
      {!open && !committed && (
        <p className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700" data-testid="merge-closed">
          This merge is {m.status}
          {m.resultCommit ? <> (commit <ShortSha sha={m.resultCommit} />)</> : null}. <Link href={kitchenHref(m.target, "/merge")} className="font-medium underline">Back to {m.target}'s merges</Link>
        </p>
      )}
      <div className="grid min-h-0 flex-1 grid-cols-[15rem_minmax(0,1fr)] gap-3">
        <ul className="min-h-0 space-y-1 overflow-y-auto rounded-lg border border-slate-200 bg-white p-1.5" aria-label="Conflicted files" data-testid="conflict-files">
          {m.conflicts.map((c, i) => {
            const s = STATE_BADGE[states[i]!];
            const active = c.path === current?.path;
            return (
              <li key={c.path}>
                <button type="button" onClick={() => setSelected(c.path)} aria-current={active ? "true" : undefined} data-file={c.path} data-state={states[i]}
                  className={`w-full rounded-md px-2 py-1.5 text-left ${active ? "bg-slate-100" : "hover:bg-slate-50"}`}>
                  <span className="block truncate font-mono text-xs text-slate-900" title={c.path}>{c.path}</span>
                  <span className={`mt-1 inline-block rounded px-1.5 py-0.5 text-[11px] ring-1 ring-inset ${s.cls}`}>{s.label}</span>
                </button>
              </li>
            );
          })}
        </ul>
        {current && resolutions[current.path] && (
          <ThreePanel
            conflict={current}
            names={names}
            oursIs={oursIs}
            resolution={resolutions[current.path]!}
            editable={open}
            onChange={(content) => update(current.path, { content, touched: true })}
            onTake={(pick) => update(current.path, take(current, pick, oursIs))}
            onReset={() => update(current.path, { content: current.merged, touched: false })}
            onMarkResolved={() => update(current.path, { ...resolutions[current.path]!, touched: true })}
          />
        )}
      </div>
    </div>
  );
}
