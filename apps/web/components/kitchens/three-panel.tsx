"use client";

import { CodeEditor } from "@/components/editor/code-editor";
import type { MergeConflict } from "./api";
import { sideOf, stateOf, type FileResolution, type Who } from "./merge-state";
import { btn } from "./ui";

const PANEL_HEAD: Record<Who | "result", string> = {
  parent: "border-sky-200 bg-sky-50 text-sky-900",
  child: "border-violet-200 bg-violet-50 text-violet-900",
  result: "border-slate-300 bg-white text-slate-900",
};

function Panel({ who, title, note, children, testId }: { who: Who | "result"; title: React.ReactNode; note: string; children: React.ReactNode; testId: string }) {
  return (
    <div className={`flex min-h-0 min-w-0 flex-col overflow-hidden rounded-lg border ${who === "result" ? "border-slate-400 shadow-md" : "border-slate-200"}`} data-testid={testId}>
      <div className={`flex items-baseline justify-between gap-2 border-b px-3 py-1.5 ${PANEL_HEAD[who]}`}>
        <span className="truncate text-sm font-semibold">{title}</span>
        <span className="shrink-0 text-xs opacity-70">{note}</span>
      </div>
      <div className="min-h-0 flex-1 bg-white">{children}</div>
    </div>
  );
}

function Missing({ name }: { name: string }) {
  return <p className="p-3 text-sm italic text-slate-500">{name} has no such file (deleted there).</p>;
}

/** Parent's version | editable result | child's version, for one conflicted file. */
export function ThreePanel({ conflict, names, oursIs, resolution, editable, onChange, onTake, onReset, onMarkResolved }: {
  conflict: MergeConflict;
  names: Record<Who, string>;
  oursIs: Who;
  resolution: FileResolution;
  editable: boolean;
  onChange: (content: string) => void;
  onTake: (pick: Who | "both") => void;
  onReset: () => void;
  onMarkResolved: () => void;
}) {
  const parent = sideOf(conflict, "parent", oursIs);
  const child = sideOf(conflict, "child", oursIs);
  const state = stateOf(resolution);
  if (conflict.isBinary) {
    return <p className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">{conflict.path} is a binary file: it cannot be merged here. Resolve it with git (merge the branches locally and push), then abort this merge.</p>;
  }
  return (
    <div className="flex h-full min-h-0 flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2">
        <span className="mr-1 text-sm text-slate-600">Resolve <span className="font-mono text-slate-900">{conflict.path}</span>:</span>
        <button type="button" className={btn.secondary} disabled={!editable} onClick={() => onTake("parent")} title={`Settle every conflict with ${names.parent}'s lines`}>
          <span aria-hidden className="h-2.5 w-2.5 rounded-full bg-sky-500" />Take parent
        </button>
        <button type="button" className={btn.secondary} disabled={!editable} onClick={() => onTake("child")} title={`Settle every conflict with ${names.child}'s lines`}>
          <span aria-hidden className="h-2.5 w-2.5 rounded-full bg-violet-500" />Take child
        </button>
        <button type="button" className={btn.secondary} disabled={!editable} onClick={() => onTake("both")} title="Keep both sides' lines, the parent's first">
          Take both
        </button>
        <button type="button" className={btn.link} disabled={!editable} onClick={onReset}>Reset to git's result</button>
        {state === "unresolved" && resolution.content !== null && editable && (
          <button type="button" className={btn.link} onClick={onMarkResolved} disabled={stateOf({ ...resolution, touched: true }) !== "resolved"}>
            Mark resolved as shown
          </button>
        )}
        <span className="ml-auto text-xs text-slate-500">Cleanly merged lines stay; each conflict block takes the side you choose. Edit the middle freely.</span>
      </div>
      <div className="grid min-h-0 flex-1 grid-cols-3 gap-3">
        <Panel who="parent" title={<>{names.parent} <span className="font-normal">(parent)</span></>} note="read-only" testId="panel-parent">
          {parent === null ? <Missing name={names.parent} /> : <CodeEditor key={`p:${conflict.path}`} value={parent} path={conflict.path} readOnly label={`${names.parent}'s version of ${conflict.path}`} />}
        </Panel>
        <Panel who="result" title="Result" note={state === "resolved" ? "✓ resolved" : state === "markers" ? "conflict markers left" : "unresolved"} testId="panel-result">
          {resolution.content === null ? (
            <div className="space-y-2 p-3 text-sm text-slate-600">
              <p>The result deletes this file.</p>
              {editable && <button type="button" className={btn.secondary} onClick={() => onChange(parent ?? child ?? "")}>Keep the file and edit it</button>}
            </div>
          ) : (
            <CodeEditor
              key={`r:${conflict.path}`}
              value={resolution.content}
              path={conflict.path}
              readOnly={!editable}
              onChange={onChange}
              conflictOurs={oursIs}
              label={`Merge result of ${conflict.path}`}
              testId="result-editor"
            />
          )}
        </Panel>
        <Panel who="child" title={<>{names.child} <span className="font-normal">(child)</span></>} note="read-only" testId="panel-child">
          {child === null ? <Missing name={names.child} /> : <CodeEditor key={`c:${conflict.path}`} value={child} path={conflict.path} readOnly label={`${names.child}'s version of ${conflict.path}`} />}
        </Panel>
      </div>
    </div>
  );
}
