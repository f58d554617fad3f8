"use client";

import { kitchenUrl } from "./api";
import { describePolicy, type MaskKind, type PolicyChoice } from "./data-policy";
import { btn, FieldError, input } from "./ui";
import { useApi } from "./use-api";

const MASK_KINDS: { kind: MaskKind; label: string }[] = [
  { kind: "fake", label: "fake value" },
  { kind: "hash", label: "hash" },
  { kind: "null", label: "null" },
  { kind: "fixed", label: "fixed value" },
];

/** Data policy, kept simple: the environment's default or one override for all tables, plus column masks. */
export function PolicyFields({ parent, environment, environmentPolicy, value, onChange, error }: {
  parent: string; environment: string; environmentPolicy: unknown; value: PolicyChoice; onChange: (v: PolicyChoice) => void; error?: string | null;
}) {
  const tables = useApi<{ tables: { name: string }[] }>(kitchenUrl(parent, "/tables"));
  const set = (patch: Partial<PolicyChoice>) => onChange({ ...value, ...patch });
  const setMask = (i: number, patch: Partial<PolicyChoice["masks"][number]>) => set({ masks: value.masks.map((m, j) => (j === i ? { ...m, ...patch } : m)) });
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-700">Data from <span className="font-mono">{parent}</span></legend>
      <div className={`grid gap-2 ${value.mode === "sample" ? "sm:grid-cols-[1fr_9rem]" : ""}`}>
        <div>
          <label htmlFor="policy-mode" className="sr-only">How tables are filled</label>
          <select id="policy-mode" value={value.mode} onChange={(e) => set({ mode: e.target.value as PolicyChoice["mode"] })} className={input}>
            <option value="default">The {environment} environment's default</option>
            <option value="view">Views onto {parent}'s tables (instant, no copy)</option>
            <option value="copy">Full copies</option>
            <option value="sample">A sample</option>
            <option value="empty">Empty tables (columns only)</option>
          </select>
        </div>
        {value.mode === "default" && <p className="text-xs text-slate-500 sm:col-span-2" data-testid="policy-default">{environment}'s default: {describePolicy(environmentPolicy)}.</p>}
        {value.mode === "sample" && (
          <div className="flex items-center gap-1.5">
            <label htmlFor="policy-percent" className="sr-only">Sample percent</label>
            <input id="policy-percent" type="number" min={0.1} max={100} step={0.1} value={value.percent} onChange={(e) => set({ percent: Number(e.target.value) })} className={input} />
            <span className="text-sm text-slate-500">%</span>
          </div>
        )}
      </div>
      <div className="space-y-2">
        <p className="text-xs text-slate-500">Masks hide sensitive columns in copies and samples (a masked table is never a plain view).</p>
        {value.masks.map((m, i) => (
          <div key={i} className="grid grid-cols-[1fr_1fr_9rem_auto] items-center gap-2" data-testid="mask-row">
            <input aria-label={`Mask ${i + 1} table`} list="parent-tables" value={m.table} onChange={(e) => setMask(i, { table: e.target.value })} placeholder="table" className={`${input} font-mono`} />
            <input aria-label={`Mask ${i + 1} column`} value={m.column} onChange={(e) => setMask(i, { column: e.target.value })} placeholder="column" className={`${input} font-mono`} />
            <select aria-label={`Mask ${i + 1} kind`} value={m.kind} onChange={(e) => setMask(i, { kind: e.target.value as MaskKind })} className={input}>
              {MASK_KINDS.map((k) => <option key={k.kind} value={k.kind}>{k.label}</option>)}
            </select>
            <button type="button" onClick={() => set({ masks: value.masks.filter((_, j) => j !== i) })} className="text-xs text-rose-700 hover:underline">remove</button>
            {m.kind === "fixed" && (
              <input aria-label={`Mask ${i + 1} value`} value={m.value ?? ""} onChange={(e) => setMask(i, { value: e.target.value })} placeholder="replacement value" className={`${input} col-span-3 font-mono`} />
            )}
          </div>
        ))}
        <datalist id="parent-tables">{tables.data?.tables.map((t) => <option key={t.name} value={t.name} />)}</datalist>
        <button type="button" className={btn.secondary} onClick={() => set({ masks: [...value.masks, { table: "", column: "", kind: "fake" }] })}>+ Mask a column</button>
      </div>
      <FieldError message={error} />
    </fieldset>
  );
}
