import { getKitchenForActorOrThrow } from "./access";
import type { KitchenActor, KitchensDeps } from "./deps";

/** The Kitchen's schema: tables (estimated rows) and views (Galley views name the parent table they show). */
export async function listKitchenTables(deps: Pick<KitchensDeps, "db" | "warehouses" | "schemas">, kitchen: string, actor: KitchenActor) {
  const k = await getKitchenForActorOrThrow(deps, kitchen, actor, "read");
  const { wh } = await deps.warehouses.forEnvironment(k.environmentId);
  const tables = await deps.schemas.list(wh, k.schemaName);
  return { schema: k.schemaName, tables };
}
