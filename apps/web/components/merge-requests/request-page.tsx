"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { api, type ApiError, type MergeOutcome } from "../kitchens/api";
import { DiffList } from "../kitchens/diff-view";
import { kitchenHref, mergeHref } from "../kitchens/paths";
import { btn, Card, ErrorNote, ShortSha, Spinner } from "../kitchens/ui";
import { DataDiffPanel } from "./data-diff-view";
import type { RequestView } from "./types";

const STATUS_STYLE: Record<string, string> = {
  open: "bg-emerald-600 text-white",
  merged: "bg-violet-700 text-white",
  closed: "bg-slate-500 text-white",
};
const CHECK_STYLE: Record<string, string> = {
  passed: "bg-emerald-100 text-emerald-800",
  warned: "bg-amber-100 text-amber-900",
  failed: "bg-rose-100 text-rose-800",
  pending: "bg-sky-100 text-sky-800",
  missing: "bg-slate-100 text-slate-700",
};

function Checks({ r }: { r: RequestView }) {
  if (r.checks.length === 0) return <p className="text-sm text-slate-500">No pipeline changed: nothing to check.</p>;
  return (
    <ul className="space-y-1.5" data-testid="request-checks">
      {r.checks.map((c) => (
        <li key={c.pipeline} className="flex flex-wrap items-center gap-2 text-sm" data-testid="request-check" data-state={c.state}>
          <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${CHECK_STYLE[c.state]}`}>{c.state}</span>
          <span className="font-mono">{c.pipeline}</span>
          {c.runId ? <Link className="text-sky-700 underline" href={`/runs/${c.runId}`}>run</Link> : <Link className="text-sky-700 underline" href={kitchenHref(r.source, `/pipelines/${c.pipeline}`)}>run it in {r.source}</Link>}
          {Object.entries(c.tests).map(([verdict, n]) => <span key={verdict} className="text-xs text-slate-500">{n} test{n === 1 ? "" : "s"} {verdict}</span>)}
        </li>
      ))}
    </ul>
  );
}

function Verdict({ r, onMerged }: { r: RequestView; onMerged: (o: MergeOutcome) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (r.status !== "open") return null;
  const merge = async () => {
    setBusy(true);
    setError(null);
    const res = await api<MergeOutcome>("POST", `/api/merge-requests/${r.id}/merge`, {});
    setBusy(false);
    if (res.ok) onMerged(res.data);
    else setError(res.error);
  };
  return (
    <div className={`rounded-lg border p-4 ${r.verdict.mergeable ? "border-emerald-300 bg-emerald-50" : "border-amber-300 bg-amber-50"}`} data-testid="request-verdict">
      {r.verdict.mergeable ? (
        <p className="text-sm font-medium text-emerald-900">Ready to merge into {r.target}.</p>
      ) : (
        <>
          <p className="text-sm font-medium text-amber-900">Not ready to merge into {r.target}:</p>
          <ul className="mt-1 list-disc pl-5 text-sm text-amber-900" data-testid="request-missing">
            {r.verdict.missing.map((m) => <li key={m}>{m}</li>)}
          </ul>
        </>
      )}
      <p className="mt-2 text-xs text-slate-600">
        Approvals {r.verdict.approvals.fresh}/{r.verdict.approvals.needed}
        {r.rules.requireGreenChecks ? " · green checks required" : ""} · reviewed at <ShortSha sha={r.head} />
      </p>
      <div className="mt-3 flex items-center gap-3">
        {r.may.merge ? (
          <button type="button" className={btn.primary} onClick={merge} disabled={busy || !r.verdict.mergeable}>{busy ? "Merging…" : `Merge into ${r.target}`}</button>
        ) : (
          <span className="text-sm text-slate-600">You may not merge into {r.target}.</span>
        )}
      </div>
      <ErrorNote error={error} className="mt-2" />
    </div>
  );
}

function ReviewBox({ r, reload }: { r: RequestView; reload: () => void }) {
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (r.status !== "open") return null;
  const send = async (kind: "comment" | "approved" | "changes_requested") => {
    setBusy(true);
    setError(null);
    const res = kind === "comment" ? await api("POST", `/api/merge-requests/${r.id}/comments`, { body }) : await api("POST", `/api/merge-requests/${r.id}/reviews`, { verdict: kind, body });
    setBusy(false);
    if (res.ok) {
      setBody("");
      reload();
    } else setError(res.error);
  };
  const close = async () => {
    const res = await api("POST", `/api/merge-requests/${r.id}/close`);
    if (res.ok) reload();
    else setError(res.error);
  };
  return (
    <div className="space-y-2">
      <textarea aria-label="Comment" className="w-full rounded-md border border-slate-300 p-2 text-sm" rows={3} value={body} onChange={(e) => setBody(e.target.value)} placeholder="Leave a comment" />
      <div className="flex flex-wrap gap-2">
        <button type="button" className={btn.secondary} disabled={busy || !body.trim()} onClick={() => send("comment")}>Comment</button>
        {r.may.approve && <button type="button" className={btn.primary} disabled={busy} onClick={() => send("approved")}>Approve</button>}
        {r.may.review && <button type="button" className={btn.secondary} disabled={busy} onClick={() => send("changes_requested")}>Request changes</button>}
        {r.may.close && <button type="button" className={btn.secondary} disabled={busy} onClick={close}>Close request</button>}
      </div>
      <ErrorNote error={error} />
    </div>
  );
}

function Conversation({ r }: { r: RequestView }) {
  const items = [
    ...r.reviews.map((x) => ({ at: x.at, key: `r${x.at}${x.reviewer?.id}`, node: (
      <li className="text-sm" data-testid="request-review" data-verdict={x.verdict} data-stale={x.stale}>
        <b>{x.reviewer?.name}</b> {x.verdict === "approved" ? "approved" : "requested changes"} at <ShortSha sha={x.commit} />
        {x.stale && <span className="ml-1 rounded bg-slate-100 px-1 text-xs text-slate-600">stale: newer commits since</span>}
        {x.body && <p className="mt-0.5 whitespace-pre-wrap text-slate-700">{x.body}</p>}
      </li>
    ) })),
    ...r.comments.map((c) => ({ at: c.at, key: c.id, node: (
      <li className="text-sm" data-testid="request-comment">
        <b>{c.author?.name}</b>{c.path ? <span className="text-slate-500"> on <code className="font-mono">{c.path}{c.line ? `:${c.line}` : ""}</code></span> : null}
        <p className="mt-0.5 whitespace-pre-wrap text-slate-700">{c.body}</p>
      </li>
    ) })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  if (items.length === 0) return <p className="text-sm text-slate-500">No reviews or comments yet.</p>;
  return <ul className="space-y-3">{items.map((i) => <div key={i.key}>{i.node}</div>)}</ul>;
}

export function MergeRequestPage({ id }: { id: string }) {
  const [r, setR] = useState<RequestView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [outcome, setOutcome] = useState<MergeOutcome | null>(null);
  const reload = useCallback(async () => {
    const res = await api<RequestView>("GET", `/api/merge-requests/${id}`);
    if (res.ok) setR(res.data);
    else setError(res.error);
  }, [id]);
  useEffect(() => {
    void reload();
  }, [reload]);
  if (error) return <ErrorNote error={error} />;
  if (!r) return <Spinner label="Loading the request…" />;
  return (
    <div className="space-y-5" data-testid="merge-request">
      <header>
        <h1 className="text-xl font-semibold text-slate-900">
          {r.title} <span className="font-normal text-slate-400">#{r.number}</span>
        </h1>
        <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_STYLE[r.status]}`} data-testid="request-status">{r.status}</span>
          {r.author?.name} asks to merge
          {r.sourceDeleted ? <code className="font-mono">{r.source}</code> : <Link className="font-mono text-sky-700 underline" href={kitchenHref(r.source)}>{r.source}</Link>}
          into <Link className="font-mono text-sky-700 underline" href={kitchenHref(r.target)}>{r.target}</Link>
        </p>
        {!r.sourceDeleted && (
          <p className="mt-1 flex gap-3 text-xs" data-testid="source-links">
            <Link className="text-sky-700 underline" href={kitchenHref(r.source, "/files")}>{r.source}&apos;s files</Link>
            <Link className="text-sky-700 underline" href={kitchenHref(r.source, "/runs")}>{r.source}&apos;s runs</Link>
          </p>
        )}
        {r.description && <p className="mt-2 whitespace-pre-wrap text-sm text-slate-700">{r.description}</p>}
        {r.merged && (
          <p className="mt-2 text-sm text-violet-800" data-testid="request-merged">
            Merged by {r.merged.by?.name} {r.merged.commit && <>as <ShortSha sha={r.merged.commit} /></>}
          </p>
        )}
      </header>
      {outcome?.status === "conflicts" && (
        <p className="rounded-md bg-rose-50 p-3 text-sm text-rose-800">The target moved and now conflicts: <Link className="underline" href={mergeHref(outcome.mergeId)}>resolve in the three-panel view</Link>.</p>
      )}
      <Verdict r={r} onMerged={(o) => { setOutcome(o); void reload(); }} />
      <Card title="Checks"><Checks r={r} /></Card>
      {r.conflicts.length > 0 && (
        <Card title="Conflicts">
          <p className="text-sm text-rose-800">Both sides changed {r.conflicts.join(", ")}. Merge {r.target} down into {r.source} (its Merge tab) and resolve them in the three-panel view; the request follows.</p>
        </Card>
      )}
      <Card title={`Files (${r.files.length})`}><DiffList files={r.diff.map((d) => ({ ...d, status: r.files.find((f) => f.path === d.path)?.status }))} empty={r.status === "open" ? "No changes." : `This request is ${r.status}.`} /></Card>
      {r.status === "open" && !r.sourceDeleted && <Card title="Data diff"><DataDiffPanel id={r.id} /></Card>}
      <Card title="Conversation">
        <Conversation r={r} />
        <div className="mt-4"><ReviewBox r={r} reload={reload} /></div>
      </Card>
    </div>
  );
}
