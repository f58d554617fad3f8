"use client";

import Link from "next/link";
import { kitchenUrl, type FilePatch } from "./api";
import { BranchDiagram } from "./branch-diagram";
import { DiffList } from "./diff-view";
import { kitchenHref } from "./paths";
import { btn, Card, Empty, ErrorNote, FileStatus, Spinner } from "./ui";
import { useApi } from "./use-api";

interface Comparison {
  parent?: string;
  ahead: number;
  behind: number;
  files: { path: string; status: string }[];
  diff: FilePatch[];
}

/** The Kitchen against its parent: how far apart, which files it changed, and the diffs. */
export function CompareView({ kitchen, parent }: { kitchen: string; parent: string }) {
  const { data, error, loading } = useApi<Comparison>(kitchenUrl(kitchen, "/compare"));
  if (error) return <ErrorNote error={error} />;
  if (loading && !data) return <Spinner label={`Comparing with ${parent}…`} />;
  if (!data) return null;
  const status = new Map(data.files.map((f) => [f.path, f.status]));
  const diff = data.diff.map((d) => ({ ...d, status: d.status ?? status.get(d.path) }));
  return (
    <div className="space-y-6" data-testid="compare">
      <Card title={`Compared with ${data.parent ?? parent}`} actions={<Link href={kitchenHref(kitchen, "/merge")} className={btn.secondary}>Merge…</Link>}>
        <div className="flex flex-wrap items-center gap-6">
          <BranchDiagram parent={data.parent ?? parent} kitchen={kitchen} ahead={data.ahead} behind={data.behind} />
          <dl className="flex gap-6 text-sm">
            <div>
              <dt className="text-xs text-slate-500">ahead</dt>
              <dd className="text-2xl font-semibold text-violet-700" data-testid="ahead">{data.ahead}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">behind</dt>
              <dd className="text-2xl font-semibold text-sky-700" data-testid="behind">{data.behind}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">files changed</dt>
              <dd className="text-2xl font-semibold text-slate-900">{data.files.length}</dd>
            </div>
          </dl>
        </div>
        <p className="mt-2 text-xs text-slate-500">
          Ahead: commits on {kitchen} that {data.parent ?? parent} lacks (what merging up would bring). Behind: commits on {data.parent ?? parent} to merge down.
        </p>
      </Card>
      {data.files.length > 0 && (
        <Card title="Changed files">
          <ul className="grid gap-1 sm:grid-cols-2" data-testid="changed-files">
            {data.files.map((f) => (
              <li key={f.path} className="flex items-center gap-2 text-sm">
                <FileStatus status={f.status} />
                <span className="truncate font-mono text-slate-800">{f.path}</span>
              </li>
            ))}
          </ul>
        </Card>
      )}
      {data.files.length === 0 ? <Empty>{kitchen} has no changes of its own since it last matched {data.parent ?? parent}.</Empty> : <DiffList files={diff} />}
    </div>
  );
}
