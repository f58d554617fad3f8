import { createHash } from "node:crypto";
import { AppError, qualified, quoteIdent, quoteLiteral } from "@galley/core";
import { parseViewMarker } from "./catalog";
import { asPg, type Tx, type Warehouse } from "./warehouse";

// One role per Kitchen, owning the Kitchen's schema, with read access to the parent's. Given a
// password it is a LOGIN role (NOSUPERUSER NOCREATEDB NOCREATEROLE), and runSql (with
// `as`) and container nodes connect AS it: the session itself has only the Kitchen's rights, so
// RESET ROLE gains nothing and another Kitchen's schema or COPY ... TO PROGRAM is denied.
// Without a password it stays NOLOGIN and runSql falls back to SET LOCAL ROLE (a guard against
// mistakes only). The password is derived (vault kitchenRolePassword), never stored. PostgreSQL only.

const PREFIX = "galley_k_";
const READER_PREFIX = "galley_r_";

function roleName(prefix: string, schema: string): string {
  const name = prefix + schema;
  if (Buffer.byteLength(name, "utf8") <= 63) return name;
  const hash = createHash("sha256").update(schema).digest("hex").slice(0, 12);
  let head = schema;
  while (Buffer.byteLength(`${prefix}${head}_${hash}`, "utf8") > 63) head = head.slice(0, -1);
  return `${prefix}${head}_${hash}`;
}

/** Role name for a Kitchen schema; long names are shortened with a hash to fit 63 bytes. */
export function kitchenRoleName(schema: string): string {
  return roleName(PREFIX, schema);
}

/**
 * The role that may read a schema's tables; its children's Kitchen roles are members. Granting
 * membership is one catalog row, where granting SELECT table by table cost ~75 ms per child for
 * a 100-table parent.
 */
export function readerRoleName(schema: string): string {
  return roleName(READER_PREFIX, schema);
}

/** The Kitchen role that owns `schema`, if there is one. */
export async function kitchenRoleOf(tx: Tx, schema: string): Promise<string | undefined> {
  const role = kitchenRoleName(schema);
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

// INHERIT: a Kitchen role reads its parent through membership of the parent's reader role (and
// is member of nothing else).
const LIMITS = "NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 20";

export async function grantKitchenRole(tx: Tx, schema: string, opts: KitchenRoleOptions): Promise<string> {
  const role = kitchenRoleName(schema);
  const r = quoteIdent(role);
  const exists = await tx.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
  if (!exists.rowCount) {
    await tx.query("SAVEPOINT galley_role");
    try {
      await tx.query(`CREATE ROLE ${r} NOLOGIN ${LIMITS}`);
      await tx.query("RELEASE SAVEPOINT galley_role");
    } catch (e) {
      // Another session created it between our check and CREATE ROLE.
      if ((e as { code?: string }).code !== "42710") throw e;
      await tx.query("ROLLBACK TO SAVEPOINT galley_role");
    }
  }
  // The password is a literal in DDL (roles take no bind parameters); PostgreSQL stores its SCRAM hash.
  if (opts.password !== undefined) await tx.query(`ALTER ROLE ${r} LOGIN ${LIMITS} PASSWORD ${quoteLiteral(opts.password)}`);
  const su = await tx.query<{ rolsuper: boolean }>(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`);
  // A non-superuser Galley user must be a member to SET ROLE, change owners and drop views.
  if (!su.rows[0]?.rolsuper) await tx.query(`GRANT ${r} TO CURRENT_USER`);
  await tx.query(`ALTER SCHEMA ${quoteIdent(schema)} OWNER TO ${r}`);
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
  const rels = await tx.query<{ name: string; relkind: string }>(
    `SELECT c.relname AS name, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> $2
        AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))`,
    [schema, role],
  );
  if (rels.rowCount) {
    await tx.query(rels.rows.map((x) => `ALTER ${ALTER_BY_KIND[x.relkind]} ${qualified(schema, x.name)} OWNER TO ${r};`).join("\n"));
  }
  // Views are checked with their owner's rights: the role must read every schema its Galley views show.
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
  for (const p of sorted) await grantParentRead(tx, p, r);
  return role;
}

async function grantParentRead(tx: Tx, parentSchema: string, r: string): Promise<void> {
  const p = quoteIdent(parentSchema);
  const owner = await tx.query<{ owner: string }>(`SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1`, [parentSchema]);
  if (!owner.rowCount) throw new AppError("not_found", `parent schema "${parentSchema}" does not exist`, { field: "parentSchema" });
  const readerName = readerRoleName(parentSchema);
  const reader = quoteIdent(readerName);
  if (!(await tx.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [readerName])).rowCount) {
    await tx.query("SAVEPOINT galley_reader");
    try {
      await tx.query(`CREATE ROLE ${reader} NOLOGIN NOINHERIT`);
      await tx.query("RELEASE SAVEPOINT galley_reader");
    } catch (e) {
      // Roles are cluster-wide: another database's Kitchen made it first.
      if ((e as { code?: string }).code !== "42710") throw e;
      await tx.query("ROLLBACK TO SAVEPOINT galley_reader");
    }
  }
  // Grants are per database: a reader role made for a same-named schema elsewhere has none here.
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
  await tx.query(`GRANT ${reader} TO ${r}`);
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
  const role = kitchenRoleName(schema);
  return asPg(wh).transaction(async (tx) => {
    // The schema is gone, so its reader role grants nothing any more.
    const reader = readerRoleName(schema);
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
