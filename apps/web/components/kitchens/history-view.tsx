"use client";

import { useEffect, useState } from "react";
import { timeAgo } from "@/lib/format";
import { api, kitchenUrl, type ApiError, type CommitSummary, type FilePatch } from "./api";
import { DiffList } from "./diff-view";
import { btn, Empty, ErrorNote, ShortSha, Spinner } from "./ui";
import { useApi } from "./use-api";

function firstLine(message: string): string {
  return message.split("\n")[0] ?? "";
}

function CommitList({ commits, selected, onSelect }: { commits: CommitSummary[]; selected: string | null; onSelect: (sha: string) => void }) {
  return (
    <ol className="relative" aria-label="Commits" data-testid="commit-list">
      {/* The branch line the commits hang on. */}
      <span aria-hidden className="absolute top-4 bottom-4 left-[1.05rem] w-0.5 bg-slate-200" />
      {commits.map((c, i) => {
        const active = c.sha === selected;
        const merge = c.parents.length > 1;
        return (
          <li key={c.sha}>
            <button
              type="button"
              onClick={() => onSelect(c.sha)}
              aria-current={active ? "true" : undefined}
              className={`relative flex w-full items-start gap-3 rounded-md px-2.5 py-2 text-left ${active ? "bg-slate-100" : "hover:bg-slate-50"}`}
              data-sha={c.sha}
            >
              <span aria-hidden className={`relative z-10 mt-1 h-3 w-3 shrink-0 rounded-full ring-4 ring-white ${merge ? "bg-violet-500" : i === 0 ? "bg-slate-900" : "bg-slate-400"}`} />
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm text-slate-900">{firstLine(c.message)}</span>
                <span className="mt-0.5 flex flex-wrap items-center gap-x-2 text-xs text-slate-500">
                  <ShortSha sha={c.sha} />
                  <span>{c.author}</span>
                  <span title={c.date}>{timeAgo(new Date(c.date))}</span>
                  {merge && <span className="rounded bg-violet-50 px-1 text-violet-700">merge</span>}
                  {i === 0 && <span className="rounded bg-slate-900 px-1 text-white">head</span>}
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}

interface CommitDetail {
  commit: CommitSummary;
  files: FilePatch[];
}

/** Commits of the Kitchen's branch, newest first; a click shows that commit's diff. The head can be reverted. */
export function HistoryView({ kitchen, canWrite, initialSha }: { kitchen: string; canWrite: boolean; initialSha: string | null }) {
  const history = useApi<{ commits: CommitSummary[] }>(kitchenUrl(kitchen, "/history?limit=50"));
  const [selected, setSelected] = useState<string | null>(initialSha);
  const commits = history.data?.commits ?? [];
  const shown = selected ?? commits[0]?.sha ?? null;
  const detail = useApi<CommitDetail>(shown ? kitchenUrl(kitchen, `/commits/${shown}`) : null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (!selected) return;
    const url = new URL(window.location.href);
    url.searchParams.set("sha", selected);
    window.history.replaceState(null, "", url);
  }, [selected]);

  async function revertHead() {
    const head = commits[0];
    if (!head || !confirm(`Revert "${firstLine(head.message)}" (${head.sha.slice(0, 8)})? A new commit undoes its changes on ${kitchen}.`)) return;
    setBusy(true);
    setError(null);
    const r = await api<{ commit: string }>("POST", kitchenUrl(kitchen, "/revert"), { sha: head.sha, expectedHead: head.sha });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setNotice(`Reverted ${head.sha.slice(0, 8)} with commit ${r.data.commit.slice(0, 8)}.`);
    setSelected(r.data.commit);
    await history.reload();
  }

  if (history.error) return <ErrorNote error={history.error} />;
  if (history.loading && !history.data) return <Spinner label="Loading history…" />;
  if (commits.length === 0) return <Empty>No commits on this branch.</Empty>;
  const head = commits[0]!;
  return (
    <div className="grid gap-6 lg:grid-cols-[22rem_minmax(0,1fr)]">
      <aside className="rounded-lg border border-slate-200 bg-white p-2 shadow-sm lg:max-h-[calc(100vh-14rem)] lg:overflow-y-auto">
        <CommitList commits={commits} selected={shown} onSelect={(sha) => { setNotice(null); setSelected(sha); }} />
      </aside>
      <section className="min-w-0 space-y-3">
        <ErrorNote error={error} />
        {notice && <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">{notice}</p>}
        {detail.error && <ErrorNote error={detail.error} />}
        {detail.loading && !detail.data && <Spinner label="Loading the commit…" />}
        {detail.data && (
          <>
            <div className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm" data-testid="commit-detail">
              <div className="flex flex-wrap items-start gap-3">
                <div className="min-w-0 flex-1">
                  <h2 className="whitespace-pre-wrap text-base font-semibold text-slate-900">{firstLine(detail.data.commit.message)}</h2>
                  {detail.data.commit.message.includes("\n") && (
                    <p className="mt-1 whitespace-pre-wrap text-sm text-slate-600">{detail.data.commit.message.split("\n").slice(1).join("\n").trim()}</p>
                  )}
                  <p className="mt-1 flex flex-wrap gap-x-3 text-xs text-slate-500">
                    <ShortSha sha={detail.data.commit.sha} />
                    <span>{detail.data.commit.author}{detail.data.commit.email ? ` <${detail.data.commit.email}>` : ""}</span>
                    <span>{new Date(detail.data.commit.date).toLocaleString()}</span>
                    {detail.data.commit.parents.length > 1 && <span>merge of {detail.data.commit.parents.map((p) => p.slice(0, 8)).join(" + ")} (diff against the first parent)</span>}
                  </p>
                </div>
                {canWrite && detail.data.commit.sha === head.sha && (
                  <button type="button" className={btn.secondary} disabled={busy} onClick={revertHead}>{busy ? "Reverting…" : "Revert"}</button>
                )}
              </div>
            </div>
            <DiffList files={detail.data.files} empty="This commit changes no files." />
          </>
        )}
      </section>
    </div>
  );
}
