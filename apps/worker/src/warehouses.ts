import type { Db } from "@galley/db";
import { openWarehouse, type Warehouse } from "@galley/warehouse";

/** One pool per environment warehouse, reopened when its password in the vault changes. */
export class EnvironmentWarehouses {
  private readonly open = new Map<string, { wh: Warehouse; password?: string }>();

  constructor(private readonly db: Db) {}

  async get(environmentId: string, secrets: Record<string, string>): Promise<Warehouse> {
    const password = secrets.WAREHOUSE_PASSWORD;
    const cached = this.open.get(environmentId);
    if (cached && cached.password === password) return cached.wh;
    const env = await this.db.environment.findUniqueOrThrow({ where: { id: environmentId }, select: { warehouseHost: true, warehousePort: true, warehouseDb: true, warehouseUser: true } });
    if (cached) await cached.wh.close().catch(() => {});
    const wh = openWarehouse({ host: env.warehouseHost, port: env.warehousePort, database: env.warehouseDb, user: env.warehouseUser, password }, { applicationName: "galley-worker" });
    this.open.set(environmentId, { wh, password });
    return wh;
  }

  async connectionEnv(environmentId: string, schema: string, secrets: Record<string, string>): Promise<{ env: Record<string, string>; networkMode: string }> {
    const env = await this.db.environment.findUniqueOrThrow({ where: { id: environmentId }, select: { warehouseHost: true, warehousePort: true, warehouseDb: true, warehouseUser: true, networkMode: true } });
    return {
      env: {
        PGHOST: env.warehouseHost,
        PGPORT: String(env.warehousePort),
        PGDATABASE: env.warehouseDb,
        PGUSER: env.warehouseUser,
        ...(secrets.WAREHOUSE_PASSWORD ? { PGPASSWORD: secrets.WAREHOUSE_PASSWORD } : {}),
        // Unqualified names resolve in the Kitchen's schema, as for SQL nodes.
        PGOPTIONS: `-c search_path=${schema}`,
      },
      networkMode: env.networkMode,
    };
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.values()].map((o) => o.wh.close().catch(() => {})));
    this.open.clear();
  }
}
