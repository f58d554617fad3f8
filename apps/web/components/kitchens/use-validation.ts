"use client";

import { useEffect, useState } from "react";
import { api, kitchenUrl, type ApiError, type FileError } from "./api";

/** Files that belong to a pipeline folder and describe it: validated as they are typed. */
export function isPipelineDefinition(path: string): boolean {
  return /^pipelines\/[^/]+\/.+\.ya?ml$/.test(path);
}

export type ValidationState =
  | { state: "idle" }
  | { state: "checking"; errors: FileError[] }
  | { state: "done"; errors: FileError[] }
  | { state: "failed"; error: ApiError };

/**
 * Validates `content` as `path` through POST …/files/validate, at most once per `delayMs` of
 * quiet typing (≥ 500 ms), cancelling an answer that a newer keystroke made stale.
 */
export function useValidation(kitchen: string, path: string | null, content: string | null, delayMs = 600): ValidationState {
  const [result, setResult] = useState<ValidationState>({ state: "idle" });
  const enabled = path !== null && content !== null && isPipelineDefinition(path);

  useEffect(() => {
    if (!enabled) {
      setResult({ state: "idle" });
      return;
    }
    setResult((r) => ({ state: "checking", errors: r.state === "done" || r.state === "checking" ? r.errors : [] }));
    const ctl = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const r = await api<{ errors: FileError[] }>("POST", kitchenUrl(kitchen, "/files/validate"), { path, content }, ctl.signal);
        if (ctl.signal.aborted) return;
        setResult(r.ok ? { state: "done", errors: r.data.errors } : { state: "failed", error: r.error });
      } catch (e) {
        if ((e as Error)?.name !== "AbortError") throw e;
      }
    }, Math.max(500, delayMs));
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [kitchen, path, content, enabled, delayMs]);

  return result;
}
