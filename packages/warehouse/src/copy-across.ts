import { pipeline } from "node:stream/promises";
import { AppError, qualified, quoteIdent } from "@galley/core";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { listRelations, schemaExists, type CatalogRelation } from "./catalog";
import { tableReportEntry, type KitchenTableReport } from "./table-report";
import { readParentSafely } from "./read-parent";
import { planTables, type TablePlan, type TDataPolicy } from "./data-policy";
import { createReboundViews, parentViews, type ParentView } from "./rebind-views";
import { grantKitchenRole } from "./roles";
import { fillSelect, maskedType, type Capabilities } from "./select-builder";
import { sqlError } from "./sql-errors";
import { PgTx, type PgWarehouse } from "./warehouse";

interface Input {
  schema: string;
  parentSchema: string;
  policy: TDataPolicy;
  maskSalt?: string;
  role?: boolean | { password: string };
}

/** Column definitions for the child, from the source's: types another warehouse may lack become text. */
export function columnDefinitions(rel: CatalogRelation, plan: TablePlan): string {
  return rel.columns
    .map((c) => `${quoteIdent(c.name)} ${c.builtin ? maskedType(c, plan.masks[c.name]) : "text"}`)
    .join(", ");
}

/**
 * Fills a Kitchen's schema from a parent in another warehouse: `COPY (SELECT masked columns
 * FROM parent TABLESAMPLE ...) TO STDOUT` piped into `COPY child FROM STDIN`. The source reads
 * in one REPEATABLE READ snapshot so tables are mutually consistent; the destination writes
 * in one transaction, so a failure (either side) leaves no schema. Masks run on the source:
 * raw values never cross the network. COPY to/from STDOUT is PostgreSQL-only.
 */
export async function copyAcrossWarehouses(src: PgWarehouse, dst: PgWarehouse, input: Input): Promise<KitchenTableReport[]> {
  const [scaps, dcaps] = await Promise.all([src.capabilities(), dst.capabilities()]);
  if (scaps.redshift || dcaps.redshift) {
    throw new AppError("invalid_input", "copying a Kitchen's data between warehouses needs PostgreSQL on both sides (Redshift has no COPY TO STDOUT)");
  }
  return src.withClient(async (sc) => {
    await sc.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    try {
      const stx = new PgTx(sc);
      if (!(await schemaExists(stx, input.parentSchema))) {
        throw new AppError("not_found", `parent schema "${input.parentSchema}" does not exist in warehouse ${src.label}`, { field: "parentSchema" });
      }
      const rels = await listRelations(stx, input.parentSchema);
      const plans = planTables(input.policy, rels, { crossWarehouse: true });
      // Views are recreated in the target (defined over the copies), never read: see rebind-views.
      const views = plans.some((p) => p.mode === "view") ? await parentViews(stx, input.parentSchema) : new Map<string, ParentView>();
      await readParentSafely(stx);
      const report = await dst.transaction(async (dtx) => {
        if (await schemaExists(dtx, input.schema)) {
          throw new AppError("conflict", `schema "${input.schema}" already exists in warehouse ${dst.label}`, { field: "schema" });
        }
        await dtx.query(`CREATE SCHEMA ${quoteIdent(input.schema)}`);
        const out: KitchenTableReport[] = [];
        for (let i = 0; i < plans.length; i++) {
          if (plans[i].mode === "view") out.push({ table: rels[i].name, mode: "view", note: "the parent's view, defined over this Kitchen's relations" });
          else out.push(await copyTable(stx, dtx, rels[i], plans[i], input, scaps));
        }
        const failed = await createReboundViews(dtx, input.schema, undefined, [...views.values()]);
        for (const [name, why] of failed) {
          throw new AppError("invalid_input", `view ${input.parentSchema}.${name} cannot be defined in warehouse ${dst.label} over the Kitchen's tables: ${why}`, { field: `tables.${name}` });
        }
        if (input.role) await grantKitchenRole(dtx, input.schema, typeof input.role === "object" ? { password: input.role.password } : {});
        return out;
      });
      await sc.query("COMMIT");
      return report;
    } catch (e) {
      await sc.query("ROLLBACK").catch(() => {});
      throw e;
    }
  });
}

async function copyTable(stx: PgTx, dtx: PgTx, rel: CatalogRelation, plan: TablePlan, input: Input, caps: Capabilities): Promise<KitchenTableReport> {
  const target = qualified(input.schema, rel.name);
  const entry = tableReportEntry(rel.name, plan);
  try {
    await dtx.query(`CREATE TABLE ${target} (${columnDefinitions(rel, plan)})`);
    if (plan.mode === "empty" || rel.columns.length === 0) {
      entry.rows = 0;
      return entry;
    }
    const cols = rel.columns.map((c) => quoteIdent(c.name)).join(", ");
    const reader = stx.client.query(copyTo(`COPY (${fillSelect(rel, plan, caps, input.maskSalt)}) TO STDOUT`));
    const writer = dtx.client.query(copyFrom(`COPY ${target} (${cols}) FROM STDIN`));
    await pipeline(reader, writer);
    entry.rows = writer.rowCount;
    return entry;
  } catch (e) {
    const err = sqlError(e);
    throw new AppError(err.code, `copying ${input.parentSchema}.${rel.name} (${plan.mode}) into ${input.schema} failed: ${err.message}`, {
      field: `tables.${rel.name}`,
      details: err.details,
      cause: e,
    });
  }
}
