import { AppError } from "@galley/core";
import { z } from "zod";

// How a Kitchen's schema is filled from its parent's. Pure: no I/O, unit-tested.

export const ZDataMode = z.enum(["view", "copy", "sample", "empty"]);
export type TDataMode = z.infer<typeof ZDataMode>;

export const ZSample = z
  .object({
    percent: z.number().gt(0).max(100).optional(),
    rows: z.number().int().positive().optional(),
  })
  .strict()
  .refine((s) => s.percent !== undefined || s.rows !== undefined, { message: "sample needs percent or rows" });
export type TSample = z.infer<typeof ZSample>;

export const ZMask = z
  .object({ kind: z.enum(["hash", "null", "fixed", "fake"]), value: z.string().optional() })
  .strict()
  .refine((m) => m.kind !== "fixed" || m.value !== undefined, { message: "a fixed mask needs a value" });
export type TMask = z.infer<typeof ZMask>;

const ZName = z.string().min(1).max(63);

export const ZDataPolicy = z
  .object({
    default: ZDataMode,
    sample: ZSample.optional(),
    tables: z.record(ZName, z.object({ mode: ZDataMode, sample: ZSample.optional() }).strict()).optional(),
    masks: z.record(ZName, z.record(ZName, ZMask)).optional(),
  })
  .strict();
export type TDataPolicy = z.infer<typeof ZDataPolicy>;

export const DEFAULT_SAMPLE: TSample = { percent: 10 };

export interface ParentRelation {
  name: string;
  columns: { name: string; type: string }[];
  /** pg_class.relkind; 'v' (a view) stays a view in the child under every policy. */
  relkind?: string;
}

export interface TablePlan {
  table: string;
  mode: TDataMode;
  /** Set when mode is 'sample'. */
  sample?: TSample;
  /** Column name → mask; only for copy and sample. */
  masks: Record<string, TMask>;
  /** Why the mode differs from the one the policy asked for, if it does. */
  note?: string;
  /**
   * For a parent VIEW whose policy asked for copy, sample or empty (or across warehouses): the
   * child gets the view's own definition bound to the child's relations, not a view of the parent.
   */
  rebind?: boolean;
}

export function parseDataPolicy(value: unknown): TDataPolicy {
  const r = ZDataPolicy.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = ["policy", ...issue.path.map(String)].join(".");
    throw new AppError("invalid_input", `data policy: ${field}: ${issue.message}`, { field });
  }
  return r.data;
}

/**
 * Decides, per parent table, how the child gets it. Masks win over views (a view would show
 * the raw values), and across warehouses there are no views at all. A mask naming a table or
 * column the parent lacks is an error: a typo there would silently leak the real column.
 */
export function planTables(policy: TDataPolicy, parent: ParentRelation[], opts: { crossWarehouse?: boolean } = {}): TablePlan[] {
  const byName = new Map(parent.map((r) => [r.name, r]));
  for (const [table, cols] of Object.entries(policy.masks ?? {})) {
    const rel = byName.get(table);
    if (!rel) throw new AppError("invalid_input", `data policy masks table "${table}", which the parent schema does not have`, { field: `policy.masks.${table}` });
    // A view stays a view (defined over the child's relations), so its columns come from tables:
    // masking the view alone would leave the table it reads unmasked.
    if (rel.relkind === "v") {
      throw new AppError("invalid_input", `data policy masks "${table}", which is a view: mask the columns of the tables it reads instead`, { field: `policy.masks.${table}` });
    }
    for (const col of Object.keys(cols)) {
      if (!rel.columns.some((c) => c.name === col)) {
        throw new AppError("invalid_input", `data policy masks column "${table}"."${col}", which does not exist`, { field: `policy.masks.${table}.${col}` });
      }
    }
  }
  return parent.map((rel) => planOne(policy, rel, opts.crossWarehouse === true));
}

function planOne(policy: TDataPolicy, rel: ParentRelation, cross: boolean): TablePlan {
  const configured = policy.tables?.[rel.name];
  const asked = configured?.mode ?? policy.default;
  const masks = policy.masks?.[rel.name] ?? {};
  const hasMasks = Object.keys(masks).length > 0;
  const sampleOf = () => configured?.sample ?? policy.sample ?? DEFAULT_SAMPLE;
  // Object kinds are kept: only tables are copied, sampled or emptied (issue 9 finding 7).
  if (rel.relkind === "v") return asked === "view" && !cross ? { table: rel.name, mode: "view", masks: {} } : { table: rel.name, mode: "view", masks: {}, rebind: true };
  if (asked === "empty") return { table: rel.name, mode: "empty", masks: {} };
  if (asked === "copy") return { table: rel.name, mode: "copy", masks };
  if (asked === "sample") return { table: rel.name, mode: "sample", sample: sampleOf(), masks };
  if (cross) return { table: rel.name, mode: "sample", sample: sampleOf(), masks, note: "views cannot span warehouses: sampled instead" };
  if (!hasMasks) return { table: rel.name, mode: "view", masks: {} };
  // A masked table becomes a sample when the policy says how to sample, else a full masked copy.
  const sample = configured?.sample ?? policy.sample;
  return sample
    ? { table: rel.name, mode: "sample", sample, masks, note: "masked columns cannot be views: sampled instead" }
    : { table: rel.name, mode: "copy", masks, note: "masked columns cannot be views: copied instead" };
}
