import { AppError } from "@galley/core";
import pg from "pg";
import type { Capabilities } from "./select-builder";

export type WarehouseConn = { host: string; port: number; database: string; user: string; password?: string };

export interface OpenWarehouseOptions {
  /** Pool size; Galley needs few connections per warehouse (default 4, at least 2 for cancels). */
  max?: number;
  connectTimeoutMs?: number;
  ssl?: boolean | { rejectUnauthorized?: boolean; ca?: string };
  applicationName?: string;
  /**
   * `DISCARD ALL` before a client goes back to the pool: for pools shared by several nodes'
   * sessions, so nothing one leaves behind (a session setting, a temp table, a session lock) reaches
   * the next. A client whose reset fails is closed instead of reused.
   */
  resetOnRelease?: boolean;
  /** How long an idle client stays open (default 10 s). */
  idleTimeoutMs?: number;
}

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** A transaction handle: everything it runs is inside one BEGIN ... COMMIT. */
export interface Tx {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export interface Warehouse {
  /** `host:port/database`, for messages (never the password). */
  readonly label: string;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  ping(): Promise<{ ms: number; version: string }>;
  capabilities(): Promise<Capabilities>;
  close(): Promise<void>;
}

/** Parses `postgresql://user:pass@host:port/db` (tests, CLI) into a connection. */
export function connFromUrl(url: string): WarehouseConn {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    database: decodeURIComponent(u.pathname.replace(/^\//, "")),
    user: decodeURIComponent(u.username || "postgres"),
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
}

// Connection-level failures: the warehouse is down or unreachable, not the SQL's fault.
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "ECONNRESET", "EAI_AGAIN", "57P01", "57P03", "08006", "08001", "08004", "28P01", "28000", "3D000"]);

export function isConnectionError(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return (err.code !== undefined && CONNECTION_CODES.has(err.code)) || /timeout expired|Connection terminated|connection timeout/i.test(err.message ?? "");
}

export class PgTx implements Tx {
  constructor(readonly client: pg.PoolClient) {}
  async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    const r = await this.client.query(sql, params as unknown[] | undefined);
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
  }
}

// A brand shared by every copy of this module: a bundler (Next's server build) may load the
// package twice, and then `instanceof PgWarehouse` is false for a warehouse the other copy opened.
const PG_BRAND = Symbol.for("galley.warehouse.PgWarehouse");

export class PgWarehouse implements Warehouse {
  readonly label: string;
  private readonly pool: pg.Pool;
  private readonly config: pg.ClientConfig;
  private caps?: Promise<Capabilities>;
  private readonly resetOnRelease: boolean;

  constructor(conn: WarehouseConn, opts: OpenWarehouseOptions = {}) {
    (this as unknown as Record<symbol, unknown>)[PG_BRAND] = true;
    this.label = `${conn.host}:${conn.port}/${conn.database}`;
    this.config = {
      host: conn.host,
      port: conn.port,
      database: conn.database,
      user: conn.user,
      password: conn.password,
      ssl: opts.ssl,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 3000,
      application_name: opts.applicationName ?? "galley",
    };
    this.resetOnRelease = opts.resetOnRelease ?? false;
    this.pool = new pg.Pool({ ...this.config, max: Math.max(2, opts.max ?? 4), idleTimeoutMillis: opts.idleTimeoutMs ?? 10_000 });
    // An idle client's socket dying (server restart) must not crash the process.
    this.pool.on("error", () => {});
  }

  unavailable(e: unknown): AppError {
    const reason = (e as Error)?.message || String(e);
    return new AppError("unavailable", `warehouse ${this.label} is unreachable: ${reason}`, { cause: e });
  }

  /** Checks out a client; connection failures become AppError('unavailable'). */
  async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (e) {
      throw this.unavailable(e);
    }
  }

  async withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.connect();
    let broken: Error | undefined;
    try {
      return await fn(c);
    } catch (e) {
      if (isConnectionError(e)) broken = e as Error;
      throw isConnectionError(e) ? this.unavailable(e) : e;
    } finally {
      if (!broken && this.resetOnRelease) broken = await c.query("DISCARD ALL").then(() => undefined, (e: Error) => e);
      c.release(broken);
    }
  }

  query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
    return this.withClient((c) => new PgTx(c).query<R>(sql, params));
  }

  /** Runs fn in one transaction on one connection; rolls back on any error. */
  transaction<T>(fn: (tx: PgTx) => Promise<T>, begin = "BEGIN"): Promise<T> {
    return this.withClient(async (c) => {
      await c.query(begin);
      try {
        const out = await fn(new PgTx(c));
        await c.query("COMMIT");
        return out;
      } catch (e) {
        await c.query("ROLLBACK").catch(() => {});
        throw e;
      }
    });
  }

  /** Cancels a backend's running statement over a fresh connection (the pool may be exhausted). */
  async cancelBackend(pid: number): Promise<void> {
    const c = new pg.Client(this.config);
    c.on("error", () => {});
    try {
      await c.connect();
      await c.query(`SELECT pg_cancel_backend($1)`, [pid]);
    } finally {
      await c.end().catch(() => {});
    }
  }

  /**
   * A session-level advisory lock on a connection of its own (never one of the pool's, so a
   * holder waiting for a pooled connection cannot starve the pool). `wait: false` returns null
   * when someone else holds it. The lock ends with release() or when this process dies.
   */
  async sessionLock(key: string, opts: { wait: boolean }): Promise<{ release(): Promise<void> } | null> {
    const c = new pg.Client(this.config);
    c.on("error", () => {});
    try {
      await c.connect();
    } catch (e) {
      throw this.unavailable(e);
    }
    try {
      const sql = opts.wait ? `SELECT pg_advisory_lock(hashtextextended($1, 0)), true AS ok` : `SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok`;
      const r = await c.query<{ ok: boolean }>(sql, [key]);
      if (r.rows[0].ok !== true) {
        await c.end().catch(() => {});
        return null;
      }
    } catch (e) {
      await c.end().catch(() => {});
      throw isConnectionError(e) ? this.unavailable(e) : e;
    }
    // Closing the session releases the lock even if the unlock query cannot be sent.
    return { release: () => c.end().catch(() => {}) };
  }

  async ping(): Promise<{ ms: number; version: string }> {
    const t0 = performance.now();
    const r = await this.query<{ version: string }>("SELECT version() AS version");
    return { ms: Math.round(performance.now() - t0), version: r.rows[0].version };
  }

  capabilities(): Promise<Capabilities> {
    // version() only: Redshift reports "PostgreSQL 8.0.2 ... Redshift 1.0.x" and lacks server_version_num.
    this.caps ??= this.query<{ version: string }>("SELECT version() AS version").then(
      ({ rows }) => {
        const redshift = /redshift/i.test(rows[0].version);
        const major = Number(/PostgreSQL (\d+)/.exec(rows[0].version)?.[1] ?? 0);
        return { redshift, hash: redshift ? "sha2" : major >= 11 ? "sha256" : "md5" };
      },
      (e) => {
        this.caps = undefined;
        throw e;
      },
    );
    return this.caps;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export function openWarehouse(conn: WarehouseConn, opts?: OpenWarehouseOptions): Warehouse {
  return new PgWarehouse(conn, opts);
}

/** Internal: the pg-backed implementation behind the Warehouse port. */
export function asPg(wh: Warehouse): PgWarehouse {
  if (!(wh instanceof PgWarehouse) && (wh as unknown as Record<symbol, unknown>)[PG_BRAND] !== true) throw new AppError("internal", "warehouse was not opened with openWarehouse()");
  return wh as PgWarehouse;
}
