import type { Tx } from "./warehouse";

/**
 * Reading the parent runs as Galley's user, so nothing of the parent's may execute: views are
 * never read (they are recreated, see rebind-views), row-level security policies (which can call
 * the parent's functions) make the read fail instead of running, and names resolve in pg_catalog
 * only, so a parent's function or operator cannot stand in for a mask's md5 or ||.
 */
export async function readParentSafely(tx: Tx): Promise<void> {
  await tx.query(`SELECT set_config('search_path', 'pg_catalog, pg_temp', true), set_config('row_security', 'off', true)`);
}
