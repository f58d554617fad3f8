import { AppError, qualified, quoteIdent, quoteLiteral } from "@galley/core";
import { listRelations, schemaExists, viewMarker } from "./catalog";
import { copyAcrossWarehouses } from "./copy-across";
import { parseDataPolicy, planTables, type TablePlan, type TDataPolicy } from "./data-policy";
import { grantKitchenRole } from "./roles";
import { tableReportEntry, type KitchenTableReport } from "./table-report";
import { fillSelect, type Capabilities } from "./select-builder";
import { sqlError } from "./sql-errors";
import { readParentSafely } from "./read-parent";
import { createReboundViews, parentViews, viewsToRebind } from "./rebind-views";
import { asPg, type PgTx, type Warehouse } from "./warehouse";

export interface CreateKitchenSchemaInput {
  schema: string;
  parentSchema: string;
  policy: TDataPolicy;
  /** The parent's warehouse when it is not `wh` (e.g. production → development): data is streamed with COPY. */
  source?: Warehouse;
  /** Mixed into hash and fake masks (e.g. a per-environment secret) so masked values cannot be looked up in a dictionary. */
  maskSalt?: string;
  /**
   * Also create the Kitchen's own role (see ensureKitchenRole) in the same transaction; with a
   * password it is a LOGIN role that the worker's nodes connect as.
   */
  role?: boolean | { password: string };
}

export type { KitchenTableReport };

export interface KitchenSchemaReport {
  tables: KitchenTableReport[];
  ms: number;
}

/**
 * Creates a Kitchen's schema filled from its parent's by the data policy. In one warehouse
 * everything happens in ONE transaction, so a failure leaves no schema behind.
 */
export async function createKitchenSchema(wh: Warehouse, input: CreateKitchenSchemaInput): Promise<KitchenSchemaReport> {
  const t0 = performance.now();
  const policy = parseDataPolicy(input.policy);
  quoteIdent(input.schema);
  quoteIdent(input.parentSchema);
  if (input.source) {
    const tables = await copyAcrossWarehouses(asPg(input.source), asPg(wh), { ...input, policy });
    return { tables, ms: Math.round(performance.now() - t0) };
  }
  if (input.schema === input.parentSchema) throw new AppError("invalid_input", "a Kitchen's schema cannot be its parent's schema", { field: "schema" });
  const caps = await wh.capabilities();
  const tables = await asPg(wh).transaction(async (tx) => {
    if (!(await schemaExists(tx, input.parentSchema))) {
      throw new AppError("not_found", `parent schema "${input.parentSchema}" does not exist in warehouse ${wh.label}`, { field: "parentSchema" });
    }
    if (await schemaExists(tx, input.schema)) {
      throw new AppError("conflict", `schema "${input.schema}" already exists in warehouse ${wh.label}`, { field: "schema" });
    }
    const rels = await listRelations(tx, input.parentSchema);
    const plans = planTables(policy, rels);
    await tx.query(`CREATE SCHEMA ${quoteIdent(input.schema)}`);
    const report = await fillSchema(tx, input, rels, plans, caps);
    if (input.role) await grantKitchenRole(tx, input.schema, { parentSchema: input.parentSchema, ...rolePassword(input.role) });
    return report;
  });
  return { tables, ms: Math.round(performance.now() - t0) };
}

export function rolePassword(role: CreateKitchenSchemaInput["role"]): { password?: string } {
  return typeof role === "object" ? { password: role.password } : {};
}

/** CREATE VIEW ... AS SELECT * FROM parent (late-binding on Redshift) plus its Galley marker. */
export function createViewSql(schema: string, parentSchema: string, table: string, caps: Capabilities): string {
  const target = qualified(schema, table);
  const binding = caps.redshift ? " WITH NO SCHEMA BINDING" : "";
  return (
    `CREATE VIEW ${target} AS SELECT * FROM ${qualified(parentSchema, table)}${binding};\n` +
    `COMMENT ON VIEW ${target} IS ${quoteLiteral(viewMarker(parentSchema, table))};`
  );
}

async function fillSchema(
  tx: PgTx,
  input: CreateKitchenSchemaInput,
  rels: Awaited<ReturnType<typeof listRelations>>,
  plans: TablePlan[],
  caps: Capabilities,
): Promise<KitchenTableReport[]> {
  const defs = plans.some((p) => p.mode === "view") ? await parentViews(tx, input.parentSchema) : new Map();
  const rebind = viewsToRebind(plans, defs);
  const views = plans.filter((p) => p.mode === "view" && !rebind.has(p.table));
  // Views are cheap and rarely fail: one round trip for all of them.
  if (views.length) {
    await tx.query(views.map((p) => createViewSql(input.schema, input.parentSchema, p.table, caps)).join("\n")).catch((e) => {
      throw sqlError(e, { source: `creating views in ${input.schema}` });
    });
  }
  const report: KitchenTableReport[] = [];
  if (plans.some((p) => p.mode !== "view")) await readParentSafely(tx);
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i];
    const target = qualified(input.schema, plan.table);
    const entry = tableReportEntry(plan.table, plan);
    try {
      if (plan.mode === "empty") {
        await tx.query(`CREATE TABLE ${target} (LIKE ${qualified(input.parentSchema, plan.table)})`);
        entry.rows = 0;
      } else if (plan.mode !== "view") {
        const r = await tx.query(`CREATE TABLE ${target} AS ${fillSelect(rels[i], plan, caps, input.maskSalt)}`);
        entry.rows = r.rowCount;
      } else if (rebind.has(plan.table)) {
        entry.note = "the parent's view, defined over this Kitchen's relations";
      }
    } catch (e) {
      const err = sqlError(e);
      throw new AppError(err.code, `filling ${input.schema}.${plan.table} (${plan.mode}) from ${input.parentSchema} failed: ${err.message}`, {
        field: `tables.${plan.table}`,
        details: err.details,
        cause: e,
      });
    }
    report.push(entry);
  }
  if (rebind.size) {
    const failed = await createReboundViews(tx, input.schema, input.parentSchema, [...rebind].map((n) => defs.get(n)!));
    // A view whose definition cannot be bound here (it names something the child lacks) stays a
    // zero-copy view of the parent's view: still a view, never a copy made by running it.
    if (failed.size) {
      await tx.query([...failed.keys()].map((n) => createViewSql(input.schema, input.parentSchema, n, caps)).join("\n"));
      for (const e of report) {
        const why = failed.get(e.table);
        if (why) e.note = `kept as a view of the parent's view (could not be defined over this Kitchen's relations: ${why})`;
      }
    }
  }
  return report;
}
