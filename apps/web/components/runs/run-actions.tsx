"use client";
// Cancel and Resume. The page follows the run through its event stream, so cancelling needs no
// reload; resuming opens the new run.
import { useRouter } from "next/navigation";
import { useState } from "react";

export interface RunAgain {
  kitchen: string;
  pipeline: string;
  parameters: Record<string, unknown>;
  selection: unknown;
}

export function RunActions({ runId, status, canRun, again }: { runId: string; status: string; canRun: boolean; again?: RunAgain }) {
  const router = useRouter();
  const [busy, setBusy] = useState<"cancel" | "resume" | "again" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const active = status === "queued" || status === "running";
  const resumable = status === "failed" || status === "cancelled";

  async function call(action: "cancel" | "resume") {
    if (action === "cancel" && !confirm("Cancel this run? Running nodes are stopped within a few seconds.")) return;
    setBusy(action);
    setError(null);
    try {
      const res = await fetch(`/api/runs/${runId}/${action}`, { method: "POST" });
      const body = await res.json().catch(() => null);
      if (!res.ok) return setError(body?.error?.message ?? `${action} failed (${res.status})`);
      if (action === "resume") router.push(`/runs/${body.run.id}`);
    } finally {
      setBusy(null);
    }
  }

  // A new run from the branch head with the same parameters and selection.
  async function runAgain() {
    if (!again) return;
    setBusy("again");
    setError(null);
    try {
      const parameters = Object.fromEntries(Object.entries(again.parameters).filter(([, v]) => ["string", "number", "boolean"].includes(typeof v)));
      const res = await fetch(`/api/kitchens/${encodeURIComponent(again.kitchen)}/pipelines/${encodeURIComponent(again.pipeline)}/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ parameters, ...(again.selection ? { selection: again.selection } : {}) }),
      });
      const body = await res.json().catch(() => null);
      if (!res.ok) return setError(body?.error?.message ?? `run again failed (${res.status})`);
      router.push(`/runs/${body.run.id}`);
    } finally {
      setBusy(null);
    }
  }

  if (!canRun) return null;
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-2">
        {active && (
          <button type="button" onClick={() => call("cancel")} disabled={busy !== null} data-testid="cancel-run"
            className="rounded-md border border-amber-300 bg-white px-3 py-1.5 text-sm font-medium text-amber-800 hover:bg-amber-50 disabled:opacity-50">
            {busy === "cancel" ? "Cancelling…" : "Cancel run"}
          </button>
        )}
        {resumable && (
          <button type="button" onClick={() => call("resume")} disabled={busy !== null} data-testid="resume-run"
            title="Runs again from the branch head, reusing the nodes that succeeded"
            className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50">
            {busy === "resume" ? "Resuming…" : "Resume"}
          </button>
        )}
        {!active && again && (
          <button type="button" onClick={runAgain} disabled={busy !== null} data-testid="run-again"
            title="A new run from the branch head, with the same parameters"
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-50">
            {busy === "again" ? "Starting…" : "Run again"}
          </button>
        )}
      </div>
      {error && <p className="max-w-sm text-right text-xs text-rose-700" role="alert">{error}</p>}
    </div>
  );
}
