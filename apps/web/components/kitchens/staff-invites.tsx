"use client";

import { useState } from "react";
import { btn, FieldError, input } from "./ui";

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** People to put on the new Kitchen's staff, by email (checked against Galley's users on submit). */
export function StaffInvites({ value, onChange, error }: { value: string[]; onChange: (v: string[]) => void; error?: string | null }) {
  const [draft, setDraft] = useState("");
  const email = draft.trim().toLowerCase();
  const problem = email && !EMAIL.test(email) ? "enter an email like chris@galley.local" : value.includes(email) ? "already invited" : null;
  function add() {
    if (!email || problem) return;
    onChange([...value, email]);
    setDraft("");
  }
  return (
    <div>
      <label htmlFor="invite-email" className="block text-sm font-medium text-slate-700">Invite staff</label>
      <div className="mt-1 flex gap-2">
        <input
          id="invite-email" type="email" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="colleague@galley.local"
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
          className={input}
        />
        <button type="button" className={btn.secondary} onClick={add} disabled={!email || !!problem}>Invite</button>
      </div>
      <FieldError message={problem} />
      {value.length > 0 && (
        <ul className="mt-2 flex flex-wrap gap-1.5" aria-label="Invited">
          {value.map((e) => (
            <li key={e} className="inline-flex items-center gap-1 rounded-full bg-slate-100 py-0.5 pr-1 pl-2.5 text-xs text-slate-700">
              {e}
              <button type="button" onClick={() => onChange(value.filter((x) => x !== e))} aria-label={`Remove ${e}`} className="grid h-4 w-4 place-items-center rounded-full hover:bg-slate-300">×</button>
            </li>
          ))}
        </ul>
      )}
      <p className="mt-1 text-xs text-slate-500">You are always an owner. Invited people join as staff.</p>
      <FieldError message={error} />
    </div>
  );
}
