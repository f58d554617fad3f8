// One line of a Kitchen creation report per table: how it was filled and what was masked.
import type { TablePlan, TDataMode } from "./data-policy";

export interface KitchenTableReport {
  table: string;
  mode: TDataMode;
  /** Rows written; absent for views (counting would scan the parent). */
  rows?: number;
  note?: string;
  /** Columns whose values were masked in this fill, as `column (kind)`, so the report can name them. */
  masked?: string[];
}

/** The report's line for one table: its mode, note and masked columns. */
export function tableReportEntry(table: string, plan: TablePlan): KitchenTableReport {
  const masked = plan.mode === "copy" || plan.mode === "sample" ? Object.entries(plan.masks).map(([col, m]) => `${col} (${m.kind})`) : [];
  return { table, mode: plan.mode, ...(plan.note ? { note: plan.note } : {}), ...(masked.length ? { masked } : {}) };
}

