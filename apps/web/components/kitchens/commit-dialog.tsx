"use client";

import { useEffect, useRef, useState } from "react";
import { btn, input } from "./ui";

/** Asks for a commit message; Enter with Ctrl/Cmd commits. */
export function CommitDialog({ title, defaultMessage, busy, confirmLabel = "Commit", danger = false, onCancel, onCommit, children }: {
  title: string; defaultMessage: string; busy: boolean; confirmLabel?: string; danger?: boolean; onCancel: () => void; onCommit: (message: string) => void; children?: React.ReactNode;
}) {
  const [message, setMessage] = useState(defaultMessage);
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const submit = (e?: React.FormEvent) => {
    e?.preventDefault();
    if (message.trim()) onCommit(message.trim());
  };
  return (
    <div className="fixed inset-0 z-50 grid place-items-center bg-slate-900/30 p-4" onKeyDown={(e) => e.key === "Escape" && !busy && onCancel()}>
      <form role="dialog" aria-modal="true" aria-labelledby="commit-dialog-title" onSubmit={submit} className="w-full max-w-lg rounded-lg bg-white p-5 shadow-xl">
        <h2 id="commit-dialog-title" className="text-base font-semibold text-slate-900">{title}</h2>
        {children}
        <label htmlFor="commit-message" className="mt-3 block text-sm font-medium text-slate-700">Commit message</label>
        <textarea
          id="commit-message"
          ref={ref}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && (e.metaKey || e.ctrlKey) && submit()}
          rows={3}
          className={`${input} mt-1 font-mono`}
        />
        <div className="mt-4 flex justify-end gap-2">
          <button type="button" onClick={onCancel} disabled={busy} className={btn.secondary}>Cancel</button>
          <button type="submit" disabled={busy || !message.trim()} className={danger ? btn.danger : btn.primary}>{busy ? "Committing…" : confirmLabel}</button>
        </div>
      </form>
    </div>
  );
}
