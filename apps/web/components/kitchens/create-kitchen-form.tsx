"use client";

import { useEffect, useState } from "react";
import { api, type ApiError } from "./api";
import { CreationFailure, CreationProgress, CreationSuccess, type CreationReport } from "./creation-report";
import { toDataPolicy, type PolicyChoice } from "./data-policy";
import { PolicyFields } from "./policy-fields";
import { StaffInvites } from "./staff-invites";
import { btn, ErrorNote, FieldError, input } from "./ui";

const NAME = /^[a-z][a-z0-9_]{1,39}$/;

export interface EnvironmentOption {
  name: string;
  kind: "development" | "production";
  dataPolicy: unknown;
  /** Why the viewer may not create Kitchens there, if so. */
  refusal: string | null;
}

function nameProblem(name: string, taken: Set<string>): string | null {
  if (!name) return null;
  if (name.length < 2) return "at least 2 characters";
  if (name.length > 40) return "at most 40 characters";
  if (!/^[a-z]/.test(name)) return "starts with a lowercase letter";
  if (!NAME.test(name)) return "lowercase letters, digits and _ only (it becomes the branch and schema name)";
  if (taken.has(name)) return `a Kitchen named ${name} already exists`;
  return null;
}

function Choice({ name, value, current, onChange, title, text }: { name: string; value: string; current: string; onChange: (v: string) => void; title: string; text: string }) {
  const checked = value === current;
  return (
    <label className={`flex cursor-pointer gap-2 rounded-md border px-3 py-2 text-sm ${checked ? "border-slate-900 bg-slate-50" : "border-slate-200 hover:border-slate-300"}`}>
      <input type="radio" name={name} value={value} checked={checked} onChange={() => onChange(value)} className="mt-0.5" />
      <span>
        <span className="block font-medium text-slate-900">{title}</span>
        <span className="block text-xs text-slate-500">{text}</span>
      </span>
    </label>
  );
}

/** Self-service child Kitchen: a branch, a schema filled from the parent's data, the parent's variables. */
export function CreateKitchenForm({ parent, parentEnvironment, environments, taken }: { parent: string; parentEnvironment: string; environments: EnvironmentOption[]; taken: string[] }) {
  const takenSet = new Set(taken);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [visibility, setVisibility] = useState("shared");
  const [lifetime, setLifetime] = useState("persistent");
  const [environment, setEnvironment] = useState(parentEnvironment);
  const [staff, setStaff] = useState<string[]>([]);
  const [policy, setPolicy] = useState<PolicyChoice>({ mode: "default", percent: 10, masks: [] });
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<CreationReport | null>(null);

  useEffect(() => {
    if (startedAt === null) return;
    const t = setInterval(() => setElapsed(Date.now() - startedAt), 100);
    return () => clearInterval(t);
  }, [startedAt]);

  const env = environments.find((e) => e.name === environment);
  const problem = nameProblem(name, takenSet);
  const busy = startedAt !== null;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!name || problem || busy) return;
    setError(null);
    setStartedAt(Date.now());
    setElapsed(0);
    const dataPolicy = toDataPolicy(policy, env?.dataPolicy);
    const r = await api<CreationReport>("POST", "/api/kitchens", {
      name,
      parent,
      description,
      isPrivate: visibility === "private",
      isPersistent: lifetime === "persistent",
      ...(environment !== parentEnvironment ? { environment } : {}),
      staff,
      ...(dataPolicy ? { dataPolicy } : {}),
    });
    setStartedAt(null);
    if (!r.ok) return setError(r.error);
    setResult(r.data);
  }

  if (result) return <CreationSuccess result={result} />;

  const field = error?.field ?? "";
  const fieldError = (f: string) => (field === f || field.startsWith(`${f}.`) ? error!.message : null);
  // Step failures get their own panel; errors about a field sit next to it; the rest go on top.
  const isStepFailure = !!(error?.details as { step?: string } | undefined)?.step;
  const onTop = error && !isStepFailure && !["name", "description", "environment"].includes(field) && !field.startsWith("staff") && !field.startsWith("dataPolicy");

  return (
    <form onSubmit={submit} noValidate className="space-y-6" aria-busy={busy}>
      {onTop && <ErrorNote error={error} />}
      {isStepFailure && <CreationFailure error={error!} />}
      <div className="grid gap-6 lg:grid-cols-2">
        <div className="space-y-5">
          <div>
            <label htmlFor="kitchen-name" className="block text-sm font-medium text-slate-700">Name</label>
            <input
              id="kitchen-name" value={name} onChange={(e) => setName(e.target.value.trim())} autoFocus autoComplete="off" spellCheck={false} placeholder="padma_profit"
              aria-invalid={!!(problem || fieldError("name"))} aria-describedby="kitchen-name-help"
              className={`${input} mt-1 font-mono ${problem || fieldError("name") ? "border-rose-400" : ""}`}
            />
            <p id="kitchen-name-help" className="mt-1 text-xs text-slate-500">
              Also the git branch and the warehouse schema. {name && !problem && <span className="text-emerald-700">✓ {name} is available</span>}
            </p>
            <FieldError message={problem ?? fieldError("name")} />
          </div>
          <div>
            <label htmlFor="kitchen-description" className="block text-sm font-medium text-slate-700">Description</label>
            <textarea id="kitchen-description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} rows={2} placeholder="What this Kitchen is for" className={`${input} mt-1`} />
            <FieldError message={fieldError("description")} />
          </div>
          <div className="grid gap-2 sm:grid-cols-2" role="radiogroup" aria-label="Visibility">
            <Choice name="visibility" value="shared" current={visibility} onChange={setVisibility} title="Shared" text="Everyone sees it in the tree" />
            <Choice name="visibility" value="private" current={visibility} onChange={setVisibility} title="Private" text="Only its staff see it" />
          </div>
          <div className="grid gap-2 sm:grid-cols-2" role="radiogroup" aria-label="Lifetime">
            <Choice name="lifetime" value="persistent" current={lifetime} onChange={setLifetime} title="Persistent" text="Stays until deleted" />
            <Choice name="lifetime" value="temporary" current={lifetime} onChange={setLifetime} title="Temporary" text="For a task; delete when done" />
          </div>
          <div>
            <label htmlFor="kitchen-environment" className="block text-sm font-medium text-slate-700">Release environment</label>
            <select id="kitchen-environment" value={environment} onChange={(e) => setEnvironment(e.target.value)} className={`${input} mt-1`}>
              {environments.map((e) => (
                <option key={e.name} value={e.name} disabled={!!e.refusal}>
                  {e.name} ({e.kind}){e.name === parentEnvironment ? " — the parent's" : ""}{e.refusal ? ` — ${e.refusal}` : ""}
                </option>
              ))}
            </select>
            <p className="mt-1 text-xs text-slate-500">Its warehouse holds the schema; runs get its vault's credentials.</p>
            <FieldError message={fieldError("environment")} />
          </div>
        </div>
        <div className="space-y-5">
          <StaffInvites value={staff} onChange={setStaff} error={fieldError("staff")} />
          <PolicyFields parent={parent} environment={environment} environmentPolicy={env?.dataPolicy} value={policy} onChange={setPolicy} error={fieldError("dataPolicy")} />
        </div>
      </div>
      {busy ? (
        <CreationProgress name={name} elapsedMs={elapsed} />
      ) : (
        <div className="flex items-center gap-3 border-t border-slate-200 pt-4">
          <button type="submit" className={btn.primary} disabled={!name || !!problem}>Create Kitchen</button>
          <span className="text-xs text-slate-500">Child of <span className="font-mono">{parent}</span>; you become its owner.</span>
        </div>
      )}
    </form>
  );
}
