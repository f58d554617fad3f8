// Read model of release environments: connection metadata only. Credentials live in the vault
// and never leave it.
import type { Db } from "@galley/db";
import { z } from "zod";

export const ZEnvironmentRow = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["development", "production"]),
  description: z.string(),
  warehouse: z.object({ kind: z.string(), host: z.string(), port: z.number(), database: z.string(), user: z.string() }),
  networkMode: z.string(),
  dataPolicy: z.unknown(),
  kitchens: z.number(),
});
export type TEnvironmentRow = z.infer<typeof ZEnvironmentRow>;

export async function listEnvironments(db: Db): Promise<TEnvironmentRow[]> {
  const rows = await db.environment.findMany({
    orderBy: [{ kind: "desc" }, { name: "asc" }],
    select: {
      id: true, name: true, kind: true, description: true, warehouseKind: true, warehouseHost: true, warehousePort: true,
      warehouseDb: true, warehouseUser: true, networkMode: true, dataPolicy: true,
      _count: { select: { kitchens: { where: { deletedAt: null } } } },
    },
  });
  return rows.map((e) => ({
    id: e.id,
    name: e.name,
    kind: e.kind,
    description: e.description,
    warehouse: { kind: e.warehouseKind, host: e.warehouseHost, port: e.warehousePort, database: e.warehouseDb, user: e.warehouseUser },
    networkMode: e.networkMode,
    dataPolicy: e.dataPolicy,
    kitchens: e._count.kitchens,
  }));
}
