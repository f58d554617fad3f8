"use client";

import { useState } from "react";
import type { FilePatch } from "./api";
import { parsePatch, type DiffRow } from "./diff-parse";
import { Empty, FileStatus } from "./ui";

const ROW_STYLE: Record<string, string> = {
  add: "bg-emerald-50",
  del: "bg-rose-50",
  ctx: "",
};
const SIGN_STYLE: Record<string, string> = { add: "text-emerald-700", del: "text-rose-700", ctx: "text-slate-300" };
const SIGN: Record<string, string> = { add: "+", del: "-", ctx: " " };

function Row({ row }: { row: DiffRow }) {
  if (row.kind === "hunk") {
    return (
      <tr className="bg-sky-50 text-sky-800">
        <td colSpan={4} className="px-3 py-1 font-mono text-xs">{row.text}</td>
      </tr>
    );
  }
  if (row.kind === "note") {
    return (
      <tr>
        <td colSpan={4} className="px-3 py-1 text-xs italic text-slate-500">{row.text}</td>
      </tr>
    );
  }
  return (
    <tr className={ROW_STYLE[row.kind]} data-diff={row.kind}>
      <td className="w-12 select-none border-r border-slate-100 px-2 text-right font-mono text-xs text-slate-400">{row.old ?? ""}</td>
      <td className="w-12 select-none border-r border-slate-100 px-2 text-right font-mono text-xs text-slate-400">{row.new ?? ""}</td>
      <td className={`w-5 select-none pl-2 font-mono text-xs ${SIGN_STYLE[row.kind]}`}>{SIGN[row.kind]}</td>
      <td className="whitespace-pre-wrap break-all py-px pr-3 font-mono text-xs text-slate-800">{row.text || " "}</td>
    </tr>
  );
}

/** One file's unified diff: added lines green, removed red, both line numbers. */
export function FileDiff({ file, defaultOpen = true }: { file: FilePatch; defaultOpen?: boolean }) {
  const [open, setOpen] = useState(defaultOpen);
  const { rows, added, removed } = parsePatch(file.patch);
  const status = file.status ?? (/^new file mode/m.test(file.patch) ? "added" : /^deleted file mode/m.test(file.patch) ? "deleted" : "modified");
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white" data-testid="file-diff" data-path={file.path}>
      <button type="button" onClick={() => setOpen(!open)} className="flex w-full items-center gap-2 border-b border-slate-100 bg-slate-50 px-3 py-2 text-left" aria-expanded={open}>
        <span aria-hidden className="text-xs text-slate-400">{open ? "▾" : "▸"}</span>
        <FileStatus status={status} />
        <span className="min-w-0 flex-1 truncate font-mono text-sm text-slate-900">{file.path}</span>
        <span className="font-mono text-xs text-emerald-700">+{added}</span>
        <span className="font-mono text-xs text-rose-700">−{removed}</span>
        <DiffBar added={added} removed={removed} />
      </button>
      {open && (
        <div className="overflow-x-auto">
          {rows.length === 0 ? (
            <p className="px-3 py-2 text-xs text-slate-500">No textual changes.</p>
          ) : (
            <table className="w-full border-collapse">
              <tbody>{rows.map((r, i) => <Row key={i} row={r} />)}</tbody>
            </table>
          )}
          {file.truncated && <p className="border-t border-slate-100 px-3 py-1.5 text-xs text-amber-700">Diff cut at the size limit.</p>}
        </div>
      )}
    </div>
  );
}

/** GitHub-style five squares: the share of added vs removed lines. */
function DiffBar({ added, removed }: { added: number; removed: number }) {
  const total = added + removed;
  const green = total === 0 ? 0 : Math.round((added / total) * 5);
  const red = total === 0 ? 0 : Math.min(5 - green, Math.max(removed > 0 ? 1 : 0, 5 - green));
  return (
    <span aria-hidden className="flex gap-0.5">
      {Array.from({ length: 5 }, (_, i) => (
        <span key={i} className={`h-2 w-2 rounded-[2px] ${i < green ? "bg-emerald-500" : i < green + red ? "bg-rose-500" : "bg-slate-200"}`} />
      ))}
    </span>
  );
}

export function DiffList({ files, empty = "No changes." }: { files: FilePatch[]; empty?: string }) {
  if (files.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div className="space-y-3">
      {files.map((f) => (
        <FileDiff key={f.path} file={f} defaultOpen={files.length <= 20} />
      ))}
    </div>
  );
}
