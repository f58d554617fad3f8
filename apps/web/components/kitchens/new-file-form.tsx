"use client";

import { useState } from "react";
import { btn, FieldError, input } from "./ui";

function pathProblem(path: string, existing: Set<string>): string | null {
  if (!path) return null;
  if (path.startsWith("/") || path.endsWith("/")) return "a relative file path, like pipelines/orders_daily/check.sql";
  if (path.split("/").some((p) => p === "" || p === "." || p === ".." || p === ".git")) return "no empty, . , .. or .git parts";
  if (existing.has(path)) return "that file exists; pick it in the tree";
  return null;
}

/** "New file": a path (folders included); the file exists once it is saved. */
export function NewFileForm({ existing, onCreate }: { existing: Set<string>; onCreate: (path: string) => void }) {
  const [open, setOpen] = useState(false);
  const [path, setPath] = useState("");
  const problem = pathProblem(path.trim(), existing);
  if (!open) {
    return (
      <div className="border-b border-slate-200 px-3 py-2">
        <button type="button" className={btn.secondary} onClick={() => setOpen(true)}>+ New file</button>
      </div>
    );
  }
  return (
    <form
      className="space-y-2 border-b border-slate-200 px-3 py-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (!path.trim() || problem) return;
        onCreate(path.trim());
        setPath("");
        setOpen(false);
      }}
    >
      <label htmlFor="new-file-path" className="block text-xs font-medium text-slate-600">New file path</label>
      <input id="new-file-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="pipelines/orders_daily/check.sql" autoFocus className={`${input} font-mono text-xs`} aria-invalid={!!problem} />
      <FieldError message={problem} />
      <div className="flex gap-2">
        <button type="submit" className={btn.primary} disabled={!path.trim() || !!problem}>Create</button>
        <button type="button" className={btn.secondary} onClick={() => setOpen(false)}>Cancel</button>
      </div>
    </form>
  );
}
