import { quoteIdent, quoteLiteral } from "@galley/core";
import { withCatalogRetry } from "./roles";
import { scramSha256Verifier } from "./scram";
import { asPg, type Warehouse } from "./warehouse";

// Galley's own user in a warehouse database: NOT a superuser. It may create roles (the Kitchens')
// and schemas, and set the two logging parameters of Kitchen roles; it owns or administers the
// Kitchen schemas through membership of the Kitchen roles it creates. A Kitchen's code never runs
// with its rights (see create-kitchen-schema, run-sql). Made once per database by an operator's
// superuser connection (scripts/seed-demo for the demo), never by Galley at run time.

/** The demo's name for Galley's user of a warehouse database (roles are cluster-wide: one per database). */
export function galleyRoleName(database: string): string {
  return `galley_${database}`.slice(0, 63);
}

export interface GalleyRoleOptions {
  role: string;
  password: string;
}

/**
 * Creates or updates Galley's role in the database `admin` is connected to (as a superuser):
 * LOGIN NOSUPERUSER CREATEROLE, password as a SCRAM verifier; CONNECT/CREATE/TEMP on the database
 * with grant option (Kitchen roles get CONNECT on it, and only on it: PUBLIC's CONNECT is
 * revoked); SET on log_min_error_statement and log_min_messages with grant option (PostgreSQL
 * 15+). Existing Kitchen schemas (owned by galley_k_/galley_r_ roles) are adopted by membership.
 */
export async function ensureGalleyRole(admin: Warehouse, opts: GalleyRoleOptions): Promise<void> {
  const r = quoteIdent(opts.role);
  await asPg(admin).transaction(async (tx) => {
    const db = (await tx.query<{ d: string }>(`SELECT current_database() AS d`)).rows[0].d;
    const exists = await tx.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [opts.role]);
    const attrs = "LOGIN NOSUPERUSER CREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS INHERIT";
    const pw = `PASSWORD ${quoteLiteral(scramSha256Verifier(opts.password))}`;
    await tx.query(exists.rowCount ? `ALTER ROLE ${r} ${attrs} ${pw}` : `CREATE ROLE ${r} ${attrs} ${pw}`);
    await tx.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${quoteIdent(db)} FROM PUBLIC`);
    await tx.query(`GRANT CONNECT, CREATE, TEMPORARY ON DATABASE ${quoteIdent(db)} TO ${r} WITH GRANT OPTION`);
    const v = await tx.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`);
    if (Number(v.rows[0].v) >= 150000) {
      // pg_parameter_acl is cluster-wide: seeds of other databases grant on the same row at once.
      await withCatalogRetry(tx, () => tx.query(`GRANT SET ON PARAMETER log_min_error_statement, log_min_messages TO ${r} WITH GRANT OPTION`));
    }
    // Kitchen schemas made before (by a superuser Galley): their roles become Galley's to administer.
    const owners = await tx.query<{ o: string }>(
      `SELECT DISTINCT pg_get_userbyid(nspowner) AS o FROM pg_namespace
        WHERE pg_get_userbyid(nspowner) LIKE 'galley\\_k\\_%' OR pg_get_userbyid(nspowner) LIKE 'galley\\_r\\_%'`,
    );
    for (const o of owners.rows) await tx.query(`GRANT ${quoteIdent(o.o)} TO ${r}`);
  });
}
