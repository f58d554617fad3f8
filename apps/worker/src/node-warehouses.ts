import type { Db } from "@galley/db";
import { addressForNode, type NodeNetworkSettings } from "@galley/executor";
import { keyringForPool, kitchenRolePassword, type Keyring } from "@galley/vault";
import { ensureKitchenRole, openWarehouse, type Warehouse, type WarehouseConn } from "@galley/warehouse";

/**
 * One pool per environment warehouse (Galley's user), reopened when its password in the vault
 * changes; plus the Kitchens' own LOGIN roles, which nodes run as. Galley's user is never handed
 * to a node: SQL nodes run on a connection logged in as the Kitchen's role (`galley_k_<db hash>_<schema>`), container nodes get
 * that role's PGUSER/PGPASSWORD. Galley's own warehouse password is read apart from the
 * pipeline's secrets (`credentials`, an audited vault read of Galley's credentials only), so a
 * pipeline can never name it.
 */
/** A Kitchen's nodes running at once in one worker (its concurrency) share this many connections. */
const KITCHEN_POOL_MAX = 4;

export class NodeWarehouses {
  private readonly open = new Map<string, { wh: Promise<Warehouse>; password?: string }>();
  /** The Kitchens' own logins, by environment and schema (see asKitchen). */
  private readonly kitchens = new Map<string, { wh: Promise<Warehouse>; password: string }>();
  /** Roles this process has ensured (created if missing, password set) with the current key. */
  private readonly ensured = new Map<string, Promise<string>>();

  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly credentials: (environmentId: string) => Promise<Record<string, string>>,
    /**
     * Galley's node network: where a container finds a warehouse that runs on this machine.
     * Absent with the local executor, whose nodes are processes on the host itself.
     */
    private readonly nodeNetwork?: NodeNetworkSettings,
    private readonly onError?: (message: string, e: unknown) => void,
  ) {}

  private async conn(environmentId: string, password?: string): Promise<WarehouseConn & { networkMode: string }> {
    const env = await this.db.environment.findUniqueOrThrow({ where: { id: environmentId }, select: { warehouseHost: true, warehousePort: true, warehouseDb: true, warehouseUser: true, networkMode: true } });
    return { host: env.warehouseHost, port: env.warehousePort, database: env.warehouseDb, user: env.warehouseUser, password, networkMode: env.networkMode };
  }

  /** Galley's pool for the environment, with its current warehouse password (a Galley credential). */
  async get(environmentId: string): Promise<Warehouse> {
    return this.pool(environmentId, (await this.credentials(environmentId)).WAREHOUSE_PASSWORD);
  }

  /**
   * The environment's pool for this password. The entry is set before anything is awaited, so
   * parallel nodes seeing a new password share ONE new pool (each used to open its own, and all
   * but the last leaked); the replaced pool is ended once its checked-out clients are released.
   */
  pool(environmentId: string, password: string | undefined): Promise<Warehouse> {
    const cached = this.open.get(environmentId);
    if (cached && cached.password === password) return cached.wh;
    const wh = this.conn(environmentId, password).then(({ networkMode: _, ...conn }) => openWarehouse(conn, { applicationName: "galley-worker" }));
    this.open.set(environmentId, { wh, password });
    wh.catch(() => this.open.get(environmentId)?.wh === wh && this.open.delete(environmentId));
    if (cached) void cached.wh.then((w) => w.close()).catch((e) => this.onError?.("closing a replaced warehouse pool failed", e));
    return wh;
  }

  /** Open pools (one per environment), for tests and health. */
  get poolCount(): number {
    return this.open.size;
  }

  /**
   * The Kitchen's role and password. The first time in this process (or after a key change) the
   * role is ensured with Galley's user: a Kitchen made before roles existed gets one, and a new
   * key ring's password takes effect.
   */
  async kitchenLogin(environmentId: string, schema: string): Promise<{ user: string; password: string }> {
    // The environment's pool key (a worker host's only key is its pool's; see keyringForPool).
    const { pool } = await this.db.environment.findUniqueOrThrow({ where: { id: environmentId }, select: { pool: true } });
    const keyring = keyringForPool(this.keyring, pool);
    const password = kitchenRolePassword(keyring, environmentId, schema);
    const key = `${environmentId}|${schema}|${keyring.activeKekId}`;
    // One ensure per role at a time: a run's parallel nodes share it. A failure is not kept.
    let ensured = this.ensured.get(key);
    if (!ensured) {
      ensured = this.get(environmentId).then((admin) => ensureKitchenRole(admin, schema, { password }));
      this.ensured.set(key, ensured);
      ensured.catch(() => this.ensured.get(key) === ensured && this.ensured.delete(key));
    }
    // The role's name carries the warehouse database (roles are cluster-wide): ensure says it.
    return { user: await ensured, password };
  }

  /**
   * Connections logged in as the Kitchen's role, for its SQL nodes and their data tests: one pool
   * per (environment, schema, password), shared by the Kitchen's nodes in this worker. Opening one
   * per node cost a SCRAM login and the role's settings each time (135-440 ms under load, most of
   * what 100 data tests added to a node). A client is reset (DISCARD ALL) before the next node
   * gets it, so no session state passes between nodes; every use is still the Kitchen's own login,
   * never Galley's. A new password (a new key ring) opens a new pool and closes the old one once
   * its clients are back. Callers do not close what this returns.
   */
  asKitchen(environmentId: string, schema: string): Promise<Warehouse> {
    return this.kitchenLogin(environmentId, schema).then((login) => {
      const key = `${environmentId}|${schema}`;
      const cached = this.kitchens.get(key);
      if (cached && cached.password === login.password) return cached.wh;
      const wh = this.conn(environmentId).then(({ networkMode: _, ...conn }) =>
        openWarehouse({ ...conn, ...login }, { applicationName: "galley-worker-node", max: KITCHEN_POOL_MAX, resetOnRelease: true }),
      );
      this.kitchens.set(key, { wh, password: login.password });
      wh.catch(() => this.kitchens.get(key)?.wh === wh && this.kitchens.delete(key));
      if (cached) void cached.wh.then((w) => w.close()).catch((e) => this.onError?.("closing a replaced Kitchen pool failed", e));
      return wh;
    });
  }

  /** Open Kitchen-role pools, for tests. */
  get kitchenPoolCount(): number {
    return this.kitchens.size;
  }

  async connectionEnv(environmentId: string, schema: string): Promise<{ env: Record<string, string>; networkMode: string; hostPorts: number[]; secrets: string[] }> {
    const login = await this.kitchenLogin(environmentId, schema);
    const c = await this.conn(environmentId);
    // A warehouse on this machine's loopback is, for a node on Galley's network, the gateway;
    // only its port is opened to nodes (and pg_hba asks a password from that subnet).
    const target = { host: c.host, port: c.port };
    const at = this.nodeNetwork ? addressForNode(target, c.networkMode, this.nodeNetwork) : { ...target, hostPorts: [] };
    return {
      env: {
        PGHOST: at.host,
        PGPORT: String(at.port),
        PGDATABASE: c.database,
        // The Kitchen's own role, never Galley's user: it can write only the Kitchen's schema.
        PGUSER: login.user,
        PGPASSWORD: login.password,
        // Unqualified names resolve in the Kitchen's schema, as for SQL nodes.
        PGOPTIONS: `-c search_path=${schema}`,
      },
      networkMode: c.networkMode,
      hostPorts: at.hostPorts,
      // A credential like any vault secret: redacted from the node's logs, errors and outputs.
      secrets: [login.password],
    };
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.values(), ...this.kitchens.values()].map((o) => o.wh.then((w) => w.close()).catch(() => {})));
    this.open.clear();
    this.kitchens.clear();
  }
}
