// The web app's warehouse connections, one pool per environment. Credentials come from the
// environment's vault (WAREHOUSE_PASSWORD, optional: trust auth locally; MASK_SALT, optional).
// Secrets are decrypted only when their version changes, and every decryption writes a
// `vault.read` audit row in the same statement that reads them (no audit row, no values).
import { AppError } from "@galley/core";
import type { Db } from "@galley/db";
import { keyringForPool, kitchenRolePassword, readEnvironmentSecrets, type Keyring } from "@galley/vault";
import { openWarehouse, type Warehouse, type WarehouseConn } from "@galley/warehouse";
import type { EnvironmentWarehouse, WarehousePort } from "./deps";

const NAMES = ["WAREHOUSE_PASSWORD", "MASK_SALT"];

interface Pooled {
  key: string;
  value: Promise<EnvironmentWarehouse>;
}

export interface EnvironmentWarehousesOptions {
  /** Loaded lazily: a missing vault key only matters once a secret must be opened. */
  keyring: () => Keyring;
  applicationName?: string;
  open?: (conn: WarehouseConn) => Warehouse;
}

export class EnvironmentWarehouses implements WarehousePort {
  private readonly pools = new Map<string, Pooled>();

  constructor(
    private readonly db: Db,
    private readonly opts: EnvironmentWarehousesOptions,
  ) {}

  async forEnvironment(environmentId: string): Promise<EnvironmentWarehouse> {
    const env = await this.db.environment.findUnique({
      where: { id: environmentId },
      select: {
        warehouseHost: true, warehousePort: true, warehouseDb: true, warehouseUser: true, pool: true,
        secrets: { where: { name: { in: NAMES } }, select: { name: true, version: true } },
      },
    });
    if (!env) throw new AppError("not_found", `environment ${environmentId} does not exist`);
    const versions = env.secrets.map((s) => `${s.name}@${s.version}`).sort().join(",");
    const key = `${env.warehouseUser}@${env.warehouseHost}:${env.warehousePort}/${env.warehouseDb}#${versions}#${env.pool}`;
    const pooled = this.pools.get(environmentId);
    if (pooled?.key === key) return pooled.value;
    const value = this.connect(environmentId, env, env.secrets.length > 0);
    this.pools.set(environmentId, { key, value });
    // A failed connection attempt must not stay cached; a replaced pool is closed.
    value.catch(() => this.pools.get(environmentId)?.value === value && this.pools.delete(environmentId));
    if (pooled) void pooled.value.then((p) => p.wh.close()).catch(() => {});
    return value;
  }

  private async connect(
    environmentId: string,
    env: { warehouseHost: string; warehousePort: number; warehouseDb: string; warehouseUser: string; pool: string },
    hasSecrets: boolean,
  ): Promise<EnvironmentWarehouse> {
    const secrets = hasSecrets ? await this.readSecrets(environmentId) : {};
    const conn = { host: env.warehouseHost, port: env.warehousePort, database: env.warehouseDb, user: env.warehouseUser, password: secrets.WAREHOUSE_PASSWORD };
    const wh = (this.opts.open ?? ((c) => openWarehouse(c, { applicationName: this.opts.applicationName ?? "galley-web" })))(conn);
    return {
      wh,
      ...(secrets.MASK_SALT ? { maskSalt: secrets.MASK_SALT } : {}),
      // The worker derives the same value to log in as the Kitchen's role: with the pool's key,
      // which only that pool's workers hold (keyringForPool; the main key for `default`).
      kitchenRolePassword: (schema) => kitchenRolePassword(keyringForPool(this.keyring(), env.pool), environmentId, schema),
    };
  }

  private keyring(): Keyring {
    try {
      return this.opts.keyring();
    } catch (e) {
      throw new AppError("unavailable", `the vault key is not available, so warehouse passwords cannot be read or derived: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Through the vault's one audited read (the audit row is written by the reading statement). */
  private readSecrets(environmentId: string): Promise<Record<string, string>> {
    return readEnvironmentSecrets({ db: this.db, keyring: this.keyring() }, { environmentId, names: NAMES, purpose: "warehouse connection (web)" });
  }

  async closeAll(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.value.then((x) => x.wh.close()).catch(() => {})));
  }
}
