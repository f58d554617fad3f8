"use client";
// Starts a run: parameters (only the ones changed are sent, so the others keep their source),
// what to run, and an idempotency key so a double click starts one run.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ZStartRunInput, type TSelection } from "@/lib/runs-schemas";

type ParamValue = string | number | boolean;

export interface RunFormProps {
  kitchen: string;
  pipeline: string;
  parameters: { name: string; value: ParamValue; source: string; description?: string }[];
  nodes: string[];
  variations: { name: string; description?: string }[];
  /** Why the person cannot start a run here, if they cannot. */
  blockedReason: string | null;
}

interface ProblemDetail { file?: string; line?: number; column?: number; field?: string; message: string }

function parseValue(raw: string, like: ParamValue): ParamValue {
  if (typeof like === "number" && raw.trim() !== "" && Number.isFinite(Number(raw))) return Number(raw);
  return raw;
}

const newKey = () => crypto.randomUUID();

export function RunForm({ kitchen, pipeline, parameters, nodes, variations, blockedReason }: RunFormProps) {
  const router = useRouter();
  const [values, setValues] = useState<Record<string, ParamValue>>(() => Object.fromEntries(parameters.map((p) => [p.name, p.value])));
  const [kind, setKind] = useState<TSelection["kind"]>("all");
  const [node, setNode] = useState(nodes[0] ?? "");
  const [variation, setVariation] = useState(variations[0]?.name ?? "");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message: string; field?: string; details: ProblemDetail[] } | null>(null);
  const [key, setKey] = useState(newKey);

  function body() {
    const changed = Object.fromEntries(parameters.filter((p) => values[p.name] !== p.value).map((p) => [p.name, values[p.name]]));
    const selection: TSelection = kind === "all" ? { kind } : kind === "variation" ? { kind, name: variation } : { kind, node };
    return { ...(Object.keys(changed).length ? { parameters: changed } : {}), selection };
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setProblem(null);
    const input = ZStartRunInput.safeParse(body());
    if (!input.success) return setProblem({ message: input.error.issues[0].message, details: [] });
    setBusy(true);
    try {
      const res = await fetch(`/api/kitchens/${encodeURIComponent(kitchen)}/pipelines/${encodeURIComponent(pipeline)}/runs`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify(input.data),
      });
      const data = await res.json().catch(() => null);
      if (!res.ok) {
        setKey(newKey()); // a corrected form is a new run
        const details = Array.isArray(data?.error?.details) ? (data.error.details as ProblemDetail[]) : [];
        return setProblem({ message: data?.error?.message ?? `could not start the run (${res.status})`, field: data?.error?.field, details });
      }
      router.push(`/runs/${data.run.id}`);
    } catch {
      setProblem({ message: "the server did not answer; press Run again (it will not start a second run)", details: [] });
    } finally {
      setBusy(false);
    }
  }

  const input = "mt-1 w-full rounded border border-slate-300 px-2 py-1 text-sm";
  return (
    <form onSubmit={submit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4" data-testid="run-form">
      {parameters.length > 0 && (
        <fieldset className="space-y-2">
          <legend className="text-xs font-medium text-slate-500">Parameters</legend>
          {parameters.map((p) => (
            <label key={p.name} className="block text-sm">
              <span className="font-mono text-slate-800">{p.name}</span>{" "}
              <span className="text-xs text-slate-400">{values[p.name] === p.value ? `from ${p.source}` : "set for this run"}</span>
              {typeof p.value === "boolean" ? (
                <input type="checkbox" className="ml-2" checked={values[p.name] === true} onChange={(e) => setValues({ ...values, [p.name]: e.target.checked })} name={`param-${p.name}`} />
              ) : (
                <input
                  className={`${input} font-mono`}
                  name={`param-${p.name}`}
                  value={String(values[p.name])}
                  onChange={(e) => setValues({ ...values, [p.name]: parseValue(e.target.value, p.value) })}
                />
              )}
              {p.description && <span className="mt-0.5 block text-xs text-slate-500">{p.description}</span>}
            </label>
          ))}
        </fieldset>
      )}
      <fieldset className="space-y-1 text-sm">
        <legend className="text-xs font-medium text-slate-500">What to run</legend>
        {([
          ["all", "Everything"],
          ...(nodes.length ? [["node", "One node"], ["downstream", "A node and everything downstream of it"]] : []),
          ...(variations.length ? [["variation", "A variation"]] : []),
        ] as [TSelection["kind"], string][]).map(([k, label]) => (
          <label key={k} className="flex items-center gap-2">
            <input type="radio" name="selection" value={k} checked={kind === k} onChange={() => setKind(k)} />
            {label}
          </label>
        ))}
        {(kind === "node" || kind === "downstream") && (
          <select aria-label="node" value={node} onChange={(e) => setNode(e.target.value)} className={`${input} font-mono`}>
            {nodes.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        )}
        {kind === "variation" && (
          <select aria-label="variation" value={variation} onChange={(e) => setVariation(e.target.value)} className={`${input} font-mono`}>
            {variations.map((v) => <option key={v.name} value={v.name}>{v.name}{v.description ? ` — ${v.description}` : ""}</option>)}
          </select>
        )}
      </fieldset>
      {problem && (
        <div role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800" data-testid="run-error">
          <p className="font-medium">{problem.message}</p>
          {problem.field && <p className="mt-0.5 font-mono text-xs">field: {problem.field}</p>}
          {problem.details.length > 1 && (
            <ul className="mt-1 list-disc pl-5 font-mono text-xs">
              {problem.details.map((d, i) => <li key={i}>{d.file}{d.line ? `:${d.line}` : ""}{d.column ? `:${d.column}` : ""} {d.field ? `${d.field}: ` : ""}{d.message}</li>)}
            </ul>
          )}
        </div>
      )}
      {blockedReason ? (
        <p className="text-sm text-slate-500">{blockedReason}</p>
      ) : (
        <button type="submit" disabled={busy} className="rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-50" data-testid="run-button">
          {busy ? "Starting…" : "Run"}
        </button>
      )}
    </form>
  );
}
