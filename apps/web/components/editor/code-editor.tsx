"use client";

import dynamic from "next/dynamic";
import type { CodeEditorProps } from "./code-editor-impl";

/** CodeMirror 6 in the browser only: the server renders a placeholder of the same size. */
export const CodeEditor = dynamic<CodeEditorProps>(() => import("./code-editor-impl"), {
  ssr: false,
  loading: () => <div className="grid h-full min-h-32 place-items-center text-sm text-slate-400">Loading editor…</div>,
});

export type { CodeEditorProps };
export type { LineError } from "./line-errors";
export type { Side } from "./conflict-marks";
