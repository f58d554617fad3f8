"use client";
// A node's log as it is written. Follows the end while the reader is at the bottom; scrolling up
// stops following until they come back (or press "jump to latest").
import { useLayoutEffect, useRef, useState } from "react";
import type { LogLine } from "./types";

/** Lines kept in the DOM; older ones stay available through the API. */
export const SHOWN_LINES = 5000;

const STREAM_CLASS: Record<string, string> = {
  stdout: "text-slate-100",
  stderr: "text-rose-300",
  system: "text-sky-300 italic",
};

export function LogView({ lines, loading, truncated, nodeId }: { lines: LogLine[]; loading: boolean; truncated: boolean; nodeId: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const shown = lines.length > SHOWN_LINES ? lines.slice(-SHOWN_LINES) : lines;
  const last = shown.at(-1)?.id;

  useLayoutEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [last, follow, nodeId]);

  function onScroll() {
    const el = box.current;
    if (!el) return;
    setFollow(el.scrollHeight - el.scrollTop - el.clientHeight < 40);
  }

  let attempt = 0;
  return (
    <div className="relative">
      {truncated && (
        <p className="mb-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-1.5 text-xs text-amber-900" data-testid="log-truncated">
          The log was cut at 5 MiB: the node printed more, and the rest was dropped.
        </p>
      )}
      <div
        ref={box}
        onScroll={onScroll}
        data-testid="node-log"
        className="max-h-96 min-h-24 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-5"
        aria-live="polite"
        aria-label={`log of ${nodeId}`}
      >
        {lines.length > SHOWN_LINES && <div className="text-slate-400">… {lines.length - SHOWN_LINES} earlier lines not shown</div>}
        {shown.map((l) => {
          // Retries get a divider; a single attempt needs none.
          const header = l.attempt !== attempt && (attempt > 0 || l.attempt > 1);
          attempt = l.attempt;
          return (
            <div key={l.id}>
              {header && <div className="mt-1 border-t border-slate-700 pt-1 text-[10px] uppercase tracking-wide text-slate-500">attempt {l.attempt}</div>}
              <div className={`whitespace-pre-wrap break-all ${STREAM_CLASS[l.stream] ?? "text-slate-100"}`}>{l.line || "\u00a0"}</div>
            </div>
          );
        })}
        {!loading && lines.length === 0 && <div className="text-slate-400">No output yet.</div>}
        {loading && <div className="text-slate-400">loading…</div>}
      </div>
      {!follow && (
        <button
          type="button"
          onClick={() => setFollow(true)}
          className="absolute right-3 bottom-3 rounded bg-slate-700 px-2 py-1 text-xs text-white shadow hover:bg-slate-600"
        >
          jump to latest
        </button>
      )}
    </div>
  );
}
