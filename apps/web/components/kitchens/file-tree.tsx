"use client";

import { useMemo, useState } from "react";

interface Folder {
  name: string;
  path: string;
  folders: Folder[];
  files: { name: string; path: string; size: number }[];
}

function buildFolders(files: { path: string; size: number }[]): Folder {
  const root: Folder = { name: "", path: "", folders: [], files: [] };
  for (const f of files) {
    const parts = f.path.split("/");
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      const path = dir.path ? `${dir.path}/${part}` : part;
      let next = dir.folders.find((d) => d.name === part);
      if (!next) dir.folders.push((next = { name: part, path, folders: [], files: [] }));
      dir = next;
    }
    dir.files.push({ name: parts.at(-1)!, path: f.path, size: f.size });
  }
  const sort = (d: Folder) => {
    d.folders.sort((a, b) => a.name.localeCompare(b.name));
    d.files.sort((a, b) => a.name.localeCompare(b.name));
    d.folders.forEach(sort);
  };
  sort(root);
  return root;
}

const ICON: Record<string, string> = { yaml: "text-rose-500", yml: "text-rose-500", sql: "text-sky-600", psql: "text-sky-600", py: "text-amber-600", sh: "text-emerald-600" };

function FileIcon({ name }: { name: string }) {
  const ext = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1).toLowerCase() : "";
  return <span aria-hidden className={`w-4 shrink-0 text-center text-[10px] font-bold ${ICON[ext] ?? "text-slate-400"}`}>{ext === "yaml" || ext === "yml" ? "Y" : ext === "sql" || ext === "psql" ? "S" : ext === "py" ? "P" : ext === "sh" ? "$" : "·"}</span>;
}

function FolderItem({ folder, depth, selected, dirtyPath, onSelect, closed, toggle }: {
  folder: Folder; depth: number; selected: string | null; dirtyPath: string | null; onSelect: (p: string) => void; closed: Set<string>; toggle: (p: string) => void;
}) {
  const pad = { paddingLeft: `${depth * 0.875 + 0.5}rem` };
  return (
    <>
      {folder.folders.map((d) => (
        <li key={d.path}>
          <button type="button" onClick={() => toggle(d.path)} style={pad} className="flex w-full items-center gap-1.5 rounded py-1 pr-2 text-left text-sm text-slate-700 hover:bg-slate-100" aria-expanded={!closed.has(d.path)}>
            <span aria-hidden className="w-4 text-center text-xs text-slate-400">{closed.has(d.path) ? "▸" : "▾"}</span>
            <span className="truncate">{d.name}/</span>
          </button>
          {!closed.has(d.path) && (
            <ul>
              <FolderItem folder={d} depth={depth + 1} selected={selected} dirtyPath={dirtyPath} onSelect={onSelect} closed={closed} toggle={toggle} />
            </ul>
          )}
        </li>
      ))}
      {folder.files.map((f) => {
        const active = f.path === selected;
        return (
          <li key={f.path}>
            <button
              type="button"
              onClick={() => onSelect(f.path)}
              style={pad}
              title={`${f.path} · ${f.size} bytes`}
              aria-current={active ? "true" : undefined}
              data-file={f.path}
              className={`flex w-full items-center gap-1.5 rounded py-1 pr-2 text-left text-sm ${active ? "bg-slate-900 text-white" : "text-slate-800 hover:bg-slate-100"}`}
            >
              <FileIcon name={f.name} />
              <span className="truncate font-mono text-[13px]">{f.name}</span>
              {f.path === dirtyPath && <span aria-label="unsaved" className={`ml-auto h-2 w-2 shrink-0 rounded-full ${active ? "bg-amber-300" : "bg-amber-500"}`} />}
            </button>
          </li>
        );
      })}
    </>
  );
}

/** The branch's files as folders (open by default) and files; a click opens one. */
export function FileTree({ files, selected, dirtyPath, onSelect }: { files: { path: string; size: number }[]; selected: string | null; dirtyPath: string | null; onSelect: (path: string) => void }) {
  const root = useMemo(() => buildFolders(files), [files]);
  const [closed, setClosed] = useState<Set<string>>(new Set());
  const toggle = (p: string) => setClosed((s) => {
    const n = new Set(s);
    if (n.has(p)) n.delete(p);
    else n.add(p);
    return n;
  });
  return (
    <ul aria-label="Files" data-testid="file-tree">
      <FolderItem folder={root} depth={0} selected={selected} dirtyPath={dirtyPath} onSelect={onSelect} closed={closed} toggle={toggle} />
    </ul>
  );
}
