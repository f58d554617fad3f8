// The create form's simple view of a data policy (see @galley/warehouse ZDataPolicy): one mode for
// every table, a sample size, and column masks. Pure, browser-safe.

export type Mode = "view" | "copy" | "sample" | "empty";
export type MaskKind = "hash" | "null" | "fixed" | "fake";

export interface MaskRow {
  table: string;
  column: string;
  kind: MaskKind;
  value?: string;
}

export interface PolicyChoice {
  /** "default": send nothing, the environment's policy applies. */
  mode: "default" | Mode;
  percent: number;
  masks: MaskRow[];
}

interface PolicyLike {
  default?: string;
  sample?: { percent?: number; rows?: number };
  tables?: Record<string, { mode?: string }>;
  masks?: Record<string, Record<string, { kind?: string }>>;
}

const MODE_TEXT: Record<string, string> = {
  view: "views onto the parent's tables (zero copy)",
  copy: "full copies of the parent's tables",
  sample: "a sample of the parent's tables",
  empty: "empty tables with the parent's columns",
};

/** One line a person can read: "a 50% sample … , 2 masked columns". */
export function describePolicy(policy: unknown): string {
  const p = (policy ?? {}) as PolicyLike;
  const mode = p.default ?? "view";
  let text = mode === "sample" && p.sample?.percent ? `a ${p.sample.percent}% sample of the parent's tables` : mode === "sample" && p.sample?.rows ? `a ${p.sample.rows}-row sample of the parent's tables` : (MODE_TEXT[mode] ?? mode);
  const masked = Object.values(p.masks ?? {}).reduce((n, cols) => n + Object.keys(cols ?? {}).length, 0);
  if (masked) text += `, ${masked} masked column${masked === 1 ? "" : "s"}`;
  const special = Object.keys(p.tables ?? {}).length;
  if (special) text += `, ${special} table${special === 1 ? "" : "s"} with their own mode`;
  return text;
}

/**
 * What the form sends as `dataPolicy`, or undefined for the environment's default untouched.
 * Masks added on top of the default keep the environment's policy and add to its masks.
 */
export function toDataPolicy(choice: PolicyChoice, environmentPolicy: unknown): Record<string, unknown> | undefined {
  const masks = choice.masks.filter((m) => m.table.trim() && m.column.trim());
  if (choice.mode === "default" && masks.length === 0) return undefined;
  const policy: Record<string, unknown> =
    choice.mode === "default"
      ? structuredClone((environmentPolicy ?? { default: "view" }) as Record<string, unknown>)
      : { default: choice.mode, ...(choice.mode === "sample" ? { sample: { percent: choice.percent } } : {}) };
  if (masks.length) {
    const byTable = structuredClone((policy.masks ?? {}) as Record<string, Record<string, { kind: MaskKind; value?: string }>>);
    for (const m of masks) {
      const t = m.table.trim();
      byTable[t] = { ...byTable[t], [m.column.trim()]: m.kind === "fixed" ? { kind: "fixed", value: m.value ?? "" } : { kind: m.kind } };
    }
    policy.masks = byTable;
  }
  return policy;
}
