"use client";

import type { FileError } from "./api";
import type { ValidationState } from "./use-validation";
import { Spinner } from "./ui";

function where(e: FileError): string {
  return `${e.file}${e.line ? `:${e.line}` : ""}`;
}

/** Pipeline errors as `file:line field message`; a click on one in the open file jumps there. */
export function ValidationList({ state, saved, path, onJump }: { state: ValidationState; saved: FileError[] | null; path: string; onJump?: (line: number) => void }) {
  // Errors returned by the last save win until the next keystroke re-validates.
  const errors = saved ?? (state.state === "done" || state.state === "checking" ? state.errors : []);
  if (state.state === "idle" && !saved) return null;
  return (
    <div className="border-t border-slate-200 bg-white" data-testid="validation">
      <div className="flex items-center gap-2 px-3 py-1.5 text-xs">
        <span className="font-semibold text-slate-700">Pipeline check</span>
        {state.state === "checking" && <Spinner label="checking…" />}
        {state.state === "failed" && <span className="text-rose-700">could not validate: {state.error.message}</span>}
        {state.state !== "checking" && state.state !== "failed" && (errors.length === 0 ? <span className="text-emerald-700">✓ no errors</span> : <span className="text-rose-700">{errors.length} error{errors.length === 1 ? "" : "s"}</span>)}
      </div>
      {errors.length > 0 && (
        <ul className="max-h-40 overflow-y-auto border-t border-slate-100 font-mono text-xs">
          {errors.map((e, i) => (
            <li key={i}>
              <button
                type="button"
                disabled={!(e.file === path && e.line && onJump)}
                onClick={() => e.line && onJump?.(e.line)}
                className="flex w-full gap-3 px-3 py-1 text-left hover:bg-rose-50 disabled:cursor-default disabled:hover:bg-transparent"
                data-testid="validation-error"
              >
                <span className="shrink-0 text-rose-700">{where(e)}</span>
                {e.field && <span className="shrink-0 text-slate-500">{e.field}</span>}
                <span className="text-slate-800">{e.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
