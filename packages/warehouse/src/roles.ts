import { createHash } from "node:crypto";
import { AppError, qualified, quoteIdent, quoteLiteral } from "@galley/core";
import { parseViewMarker } from "./catalog";
import { scramSha256Verifier } from "./scram";
import { asPg, type Tx, type Warehouse } from "./warehouse";

// One role per Kitchen, owning the Kitchen's schema. Given a password it is a LOGIN role
// (NOSUPERUSER NOCREATEDB NOCREATEROLE), and runSql (with `as`) and container nodes connect AS it:
// the session itself has only the Kitchen's rights, so RESET ROLE gains nothing and another
// Kitchen's schema or COPY ... TO PROGRAM is denied. Without a password it stays NOLOGIN and runSql
// falls back to SET LOCAL ROLE (a guard against mistakes only). The password is derived (vault
// kitchenRolePassword), never stored, and set as a SCRAM verifier. PostgreSQL only.
//
// Masks hold because a Kitchen role is a member of NOTHING: it reads its parent only through the
// zero-copy Galley views in its own schema, which are owned by the parent's reader role
// (galley_r_...), a NOLOGIN role only Galley's user is a member of. A masked table is a masked copy
// (see data-policy), so no view and no grant lets the Kitchen read the parent's raw columns.
//
// Roles are cluster-wide while schemas are per database: names carry a short hash of the database,
// so two warehouses (environments, installs) on one cluster never share a Kitchen's role.

const PREFIX = "galley_k_";
const READER_PREFIX = "galley_r_";

function roleName(prefix: string, schema: string, database: string): string {
  const ns = createHash("sha256").update(database).digest("hex").slice(0, 6);
  const name = `${prefix}${ns}_${schema}`;
  if (Buffer.byteLength(name, "utf8") <= 63) return name;
  const hash = createHash("sha256").update(`${database}|${schema}`).digest("hex").slice(0, 12);
  let head = schema;
  while (Buffer.byteLength(`${prefix}${head}_${hash}`, "utf8") > 63) head = head.slice(0, -1);
  return `${prefix}${head}_${hash}`;
}

/** Role name for a Kitchen schema in a warehouse database; long names are shortened with a hash to fit 63 bytes. */
export function kitchenRoleName(schema: string, database: string): string {
  return roleName(PREFIX, schema, database);
}

/**
 * The role that owns the Galley views showing a schema's tables in its children's schemas. It
 * holds SELECT on the schema (plus default privileges, so rebuilt tables stay readable); only
 * Galley's user is a member, never a Kitchen role.
 */
export function readerRoleName(schema: string, database: string): string {
  return roleName(READER_PREFIX, schema, database);
}

async function currentDatabase(tx: Tx): Promise<string> {
  const r = await tx.query<{ d: string }>(`SELECT current_database() AS d`);
  return r.rows[0].d;
}

/** The Kitchen role that owns `schema`, if there is one. */
export async function kitchenRoleOf(tx: Tx, schema: string): Promise<string | undefined> {
  const role = kitchenRoleName(schema, await currentDatabase(tx));
  const r = await tx.query(`SELECT 1 FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE n.nspname = $1 AND r.rolname = $2`, [schema, role]);
  return r.rowCount ? role : undefined;
}

const ALTER_BY_KIND: Record<string, string> = { r: "TABLE", p: "TABLE", f: "FOREIGN TABLE", v: "VIEW", m: "MATERIALIZED VIEW", S: "SEQUENCE" };

/** Creates (if needed) the Kitchen's role and hands it the schema and everything in it. */
export interface KitchenRoleOptions {
  parentSchema?: string;
  /** Makes it a LOGIN role with this password (set on every call, so a new key ring takes effect). */
  password?: string;
}

// INHERIT is harmless: a Kitchen role is granted no role.
const LIMITS = "NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 20";

async function isSuperuser(tx: Tx): Promise<boolean> {
  const su = await tx.query<{ rolsuper: boolean }>(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`);
  return su.rows[0]?.rolsuper === true;
}

async function createRoleIfMissing(tx: Tx, role: string, attributes: string): Promise<void> {
  if ((await tx.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role])).rowCount) return;
  await tx.query("SAVEPOINT galley_role");
  try {
    await tx.query(`CREATE ROLE ${quoteIdent(role)} ${attributes}`);
    await tx.query("RELEASE SAVEPOINT galley_role");
  } catch (e) {
    // Another session created it between our check and CREATE ROLE.
    if ((e as { code?: string }).code !== "42710") throw e;
    await tx.query("ROLLBACK TO SAVEPOINT galley_role");
  }
}

/**
 * A failed statement is logged with its text by PostgreSQL's default log_min_error_statement, and
 * its error message (which can quote a value) by log_min_messages: a node's SQL holding a rendered
 * `{{vault.X}}` would reach the server log. Both are superuser-only parameters, so Galley's user
 * needs `GRANT SET ON PARAMETER ... WITH GRANT OPTION` (PostgreSQL 15+; scripts/seed-demo does it);
 * the Kitchen role gets SET on them, which is what makes PostgreSQL 15 apply the role's settings
 * at its login (SQL nodes and containers alike). The Kitchen can only change them for its own
 * sessions. Older servers have no parameter privileges: nothing to do there.
 */
/**
 * Runs one statement that updates a cluster-wide catalog row (pg_parameter_acl: one row per
 * parameter for the whole cluster). Sessions in other databases of the cluster, which no advisory
 * lock of ours reaches, may update the same row at once and fail with "tuple concurrently updated"
 * (XX000): retried under a savepoint, so the surrounding transaction survives.
 */
export async function withCatalogRetry(tx: Tx, statement: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await tx.query("SAVEPOINT galley_catalog_retry");
    try {
      await statement();
      await tx.query("RELEASE SAVEPOINT galley_catalog_retry");
      return;
    } catch (e) {
      await tx.query("ROLLBACK TO SAVEPOINT galley_catalog_retry");
      if (attempt >= 8 || (e as { code?: string }).code !== "XX000") throw e;
      await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 30));
    }
  }
}

async function quietServerLog(tx: Tx, r: string): Promise<void> {
  const v = await tx.query<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`);
  if (Number(v.rows[0].v) < 150000) return;
  try {
    await withCatalogRetry(tx, () => tx.query(`GRANT SET ON PARAMETER log_min_error_statement, log_min_messages TO ${r}`));
    await tx.query(`ALTER ROLE ${r} SET log_min_error_statement = 'panic'`);
    await tx.query(`ALTER ROLE ${r} SET log_min_messages = 'panic'`);
  } catch (e) {
    if ((e as { code?: string }).code !== "42501") throw e;
    throw new AppError(
      "forbidden",
      `Galley's warehouse user may not set the logging of Kitchen roles, so secrets in failing SQL would reach the server log: as a superuser run GRANT SET ON PARAMETER log_min_error_statement, log_min_messages TO <galley user> WITH GRANT OPTION`,
      { cause: e },
    );
  }
}

/**
 * Refuses a role that already has objects or privileges in another database of the cluster:
 * its name should make that impossible (it carries the database), so this is a name clash.
 */
async function assertRoleIsOurs(tx: Tx, role: string): Promise<void> {
  const other = await tx.query<{ datname: string }>(
    `SELECT d.datname FROM pg_roles r JOIN pg_shdepend s ON s.refobjid = r.oid AND s.refclassid = 'pg_authid'::regclass
       JOIN pg_database d ON d.oid = s.dbid
      WHERE r.rolname = $1 AND d.datname <> current_database()
     UNION
     SELECT d.datname FROM pg_database d, aclexplode(d.datacl) a, pg_roles r
      WHERE r.rolname = $1 AND a.grantee = r.oid AND d.datname <> current_database()
     LIMIT 1`,
    [role],
  );
  if (other.rowCount) {
    throw new AppError("conflict", `warehouse role ${role} already serves database ${other.rows[0].datname} of this PostgreSQL cluster`, { field: "schema" });
  }
}

export async function grantKitchenRole(tx: Tx, schema: string, opts: KitchenRoleOptions): Promise<string> {
  const database = await currentDatabase(tx);
  const role = kitchenRoleName(schema, database);
  const r = quoteIdent(role);
  await createRoleIfMissing(tx, role, `NOLOGIN ${LIMITS}`);
  await assertRoleIsOurs(tx, role);
  const su = await isSuperuser(tx);
  // A SCRAM verifier computed here: the plaintext never travels in DDL (log_statement=ddl logs DDL).
  // Only a superuser may even name SUPERUSER/REPLICATION/BYPASSRLS; roles made by a
  // non-superuser cannot have them anyway.
  const limits = su ? LIMITS : LIMITS.replace(/\b(NOSUPERUSER|NOREPLICATION|NOBYPASSRLS) /g, "");
  if (opts.password !== undefined) await tx.query(`ALTER ROLE ${r} LOGIN ${limits} PASSWORD ${quoteLiteral(scramSha256Verifier(opts.password))}`);
  // A non-superuser Galley user must be a member to SET ROLE, change owners and drop views.
  if (!su) await tx.query(`GRANT ${r} TO CURRENT_USER`);
  // Only this database: Galley's warehouse databases revoke CONNECT from PUBLIC (scripts/seed-demo).
  // Grants on the database update its one pg_database row: two Kitchens created at once fail with
  // "tuple concurrently updated" unless they take turns (held to the end of this transaction).
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`galley:database-acl:${database}`]);
  await tx.query(`GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${r}`);
  await quietServerLog(tx, r);
  // A non-superuser may give a schema only to a role with CREATE on the database: granted for this
  // statement and revoked in the same transaction, so a Kitchen can never create schemas.
  const owner = await tx.query<{ o: string }>(`SELECT pg_get_userbyid(nspowner) AS o FROM pg_namespace WHERE nspname = $1`, [schema]);
  if (owner.rows[0]?.o !== role) {
    if (!su) await tx.query(`GRANT CREATE ON DATABASE ${quoteIdent(database)} TO ${r}`);
    await tx.query(`ALTER SCHEMA ${quoteIdent(schema)} OWNER TO ${r}`);
    if (!su) await tx.query(`REVOKE CREATE ON DATABASE ${quoteIdent(database)} FROM ${r}`);
  }
  await tx.query(`REVOKE ALL ON SCHEMA ${quoteIdent(schema)} FROM PUBLIC`);
  // Kitchens granted read before this role owned the schema (a root Kitchen getting its role
  // late) must keep reading the tables this role creates from now on.
  const readers = await tx.query<{ g: string }>(
    `SELECT DISTINCT pg_get_userbyid(a.grantee) AS g FROM pg_namespace n, aclexplode(n.nspacl) a
      WHERE n.nspname = $1 AND a.privilege_type = 'USAGE' AND a.grantee <> 0 AND a.grantee <> n.nspowner`,
    [schema],
  );
  if (readers.rowCount) {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`galley-kitchen-grants|${schema}`]);
    for (const x of readers.rows) {
      await tx.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${r} IN SCHEMA ${quoteIdent(schema)} GRANT SELECT ON TABLES TO ${quoteIdent(x.g)}`);
    }
  }
  const rels = await tx.query<{ name: string; relkind: string; comment: string | null }>(
    `SELECT c.relname AS name, c.relkind, obj_description(c.oid, 'pg_class') AS comment FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> $2
        AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))`,
    [schema, role],
  );
  // Galley views belong to their parent's reader role (see above); everything else to the Kitchen.
  const own = rels.rows.filter((x) => !(x.relkind === "v" && parseViewMarker(x.comment)));
  if (own.length) {
    await tx.query(own.map((x) => `ALTER ${ALTER_BY_KIND[x.relkind]} ${qualified(schema, x.name)} OWNER TO ${r};`).join("\n"));
  }
  const parents = new Set(opts.parentSchema ? [opts.parentSchema] : []);
  const marked = await tx.query<{ comment: string | null }>(
    `SELECT obj_description(c.oid, 'pg_class') AS comment FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'v'`,
    [schema],
  );
  for (const m of marked.rows) {
    const parent = parseViewMarker(m.comment)?.schema;
    if (parent) parents.add(parent);
  }
  // Two Kitchens of one parent granting at once would update the same ACLs ("tuple concurrently
  // updated"): take the parent's lock (sorted, so two grants never wait on each other), held to commit.
  const sorted = [...parents].sort();
  for (const p of sorted) await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`galley-kitchen-grants|${p}`]);
  for (const p of sorted) await ensureReader(tx, p, database, su);
  await bindGalleyViews(tx, schema, role, database);
  return role;
}

/**
 * Hands the Galley views in `schema` to their parent's reader role and lets the Kitchen role read
 * them (and only them) with one GRANT. Also revokes reader memberships older Galley versions gave.
 */
export async function bindGalleyViews(tx: Tx, schema: string, role: string, database: string): Promise<void> {
  const views = await tx.query<{ name: string; owner: string; comment: string | null }>(
    `SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'v'`,
    [schema],
  );
  const moves: string[] = [];
  const readers = new Set<string>();
  for (const v of views.rows) {
    const parent = parseViewMarker(v.comment)?.schema;
    if (!parent) continue;
    const reader = readerRoleName(parent, database);
    readers.add(reader);
    if (v.owner !== reader) moves.push(`ALTER VIEW ${qualified(schema, v.name)} OWNER TO ${quoteIdent(reader)};`);
  }
  // The new owner needs CREATE on the schema (ALTER OWNER's rule for non-superusers). Only
  // Galley's user can act as a reader role, so this gives no Kitchen anything.
  for (const reader of readers) await tx.query(`GRANT CREATE ON SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(reader)}`);
  if (moves.length) await tx.query(moves.join("\n"));
  await tx.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(role)}`);
  const memberOf = await tx.query<{ g: string }>(
    `SELECT b.rolname AS g FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid JOIN pg_roles a ON a.oid = m.member WHERE a.rolname = $1`,
    [role],
  );
  for (const m of memberOf.rows) await tx.query(`REVOKE ${quoteIdent(m.g)} FROM ${quoteIdent(role)}`);
}

async function ensureReader(tx: Tx, parentSchema: string, database: string, su: boolean): Promise<void> {
  const p = quoteIdent(parentSchema);
  const owner = await tx.query<{ owner: string }>(`SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1`, [parentSchema]);
  if (!owner.rowCount) throw new AppError("not_found", `parent schema "${parentSchema}" does not exist`, { field: "parentSchema" });
  const readerName = readerRoleName(parentSchema, database);
  const reader = quoteIdent(readerName);
  await createRoleIfMissing(tx, readerName, "NOLOGIN NOINHERIT");
  // Galley's user acts as the reader (owns views as it); nobody else may.
  if (!su) await tx.query(`GRANT ${reader} TO CURRENT_USER`);
  const granted = await tx.query<{ ok: boolean }>(`SELECT has_schema_privilege($1, $2, 'USAGE') AS ok`, [readerName, parentSchema]);
  if (!granted.rows[0]?.ok) {
    await tx.query(`GRANT USAGE ON SCHEMA ${p} TO ${reader}`);
    await tx.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${p} TO ${reader}`);
    // Tables the parent creates later (a pipeline rebuilding a table) must stay readable through the child's views.
    const creators = new Set([owner.rows[0].owner]);
    const me = await tx.query<{ u: string }>(`SELECT current_user AS u`);
    creators.add(me.rows[0].u);
    for (const c of creators) {
      await tx.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(c)} IN SCHEMA ${p} GRANT SELECT ON TABLES TO ${reader}`);
    }
  }
}

/** Creates the Kitchen's role, makes it own the schema, and lets it read the parent schema. Idempotent. */
export async function ensureKitchenRole(wh: Warehouse, schema: string, opts: KitchenRoleOptions = {}): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await asPg(wh).transaction((tx) => grantKitchenRole(tx, schema, opts));
    } catch (e) {
      // Roles are cluster-wide: a session in another database altering the same role at once
      // fails with "tuple concurrently updated" (XX000); advisory locks are per database.
      if (attempt >= 3 || (e as { code?: string }).code !== "XX000") throw e;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/**
 * Drops the Kitchen's role after its schema is gone. Roles are cluster-wide: if the role still
 * owns or is granted something in another database of the cluster, it is kept and reported.
 */
export async function dropKitchenRole(wh: Warehouse, schema: string): Promise<{ dropped: boolean; reason?: string }> {
  return asPg(wh).transaction(async (tx) => {
    const database = await currentDatabase(tx);
    const role = kitchenRoleName(schema, database);
    // The schema is gone, so its reader role grants nothing any more.
    const reader = readerRoleName(schema, database);
    if ((await tx.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [reader])).rowCount) {
      await tx.query(`DROP OWNED BY ${quoteIdent(reader)}`);
      await tx.query("SAVEPOINT galley_drop_reader");
      try {
        await tx.query(`DROP ROLE ${quoteIdent(reader)}`);
      } catch {
        // Still granted in another database of the cluster: harmless, kept.
        await tx.query("ROLLBACK TO SAVEPOINT galley_drop_reader");
      }
    }
    const exists = await tx.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
    if (!exists.rowCount) return { dropped: false };
    await tx.query(`DROP OWNED BY ${quoteIdent(role)}`);
    await tx.query("SAVEPOINT galley_drop_role");
    try {
      await tx.query(`DROP ROLE ${quoteIdent(role)}`);
      return { dropped: true };
    } catch (e) {
      await tx.query("ROLLBACK TO SAVEPOINT galley_drop_role");
      return { dropped: false, reason: (e as Error).message };
    }
  });
}
