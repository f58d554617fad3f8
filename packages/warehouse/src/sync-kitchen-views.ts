import { AppError, quoteIdent } from "@galley/core";
import { listRelations, schemaExists } from "./catalog";
import { createViewSql } from "./create-kitchen-schema";
import { parseDataPolicy, planTables, type TDataPolicy } from "./data-policy";
import { bindGalleyViews, kitchenRoleOf } from "./roles";
import { asPg, type Warehouse } from "./warehouse";

/**
 * Gives a Kitchen views of parent relations it does not have yet: tables the parent created
 * after the Kitchen, or views reported lost and whose table is back. Only relations the policy
 * plans as views; existing relations in the Kitchen (its own tables) are never touched.
 */
export async function syncKitchenViews(
  wh: Warehouse,
  input: { schema: string; parentSchema: string; policy: TDataPolicy; /** Only these relation names (views reported lost). */ only?: readonly string[] },
): Promise<{ created: string[] }> {
  const policy = parseDataPolicy(input.policy);
  quoteIdent(input.schema);
  const caps = await wh.capabilities();
  return asPg(wh).transaction(async (tx) => {
    if (!(await schemaExists(tx, input.schema))) throw new AppError("not_found", `schema "${input.schema}" does not exist`, { field: "schema" });
    const parent = await listRelations(tx, input.parentSchema);
    const own = new Set((await listRelations(tx, input.schema)).map((r) => r.name));
    const only = input.only ? new Set(input.only) : undefined;
    const missing = planTables(policy, parent).filter((p) => p.mode === "view" && !p.rebind && !own.has(p.table) && (!only || only.has(p.table)));
    if (missing.length) {
      await tx.query(missing.map((p) => createViewSql(input.schema, input.parentSchema, p.table, caps)).join("\n"));
      const role = caps.redshift ? undefined : await kitchenRoleOf(tx, input.schema);
      if (role) await bindGalleyViews(tx, input.schema, role, (await tx.query<{ d: string }>(`SELECT current_database() AS d`)).rows[0].d);
    }
    return { created: missing.map((p) => p.table) };
  });
}
