import { createScratchDatabase } from "@galley/db/testing";
import { ensureGalleyRole, galleyRoleName } from "../galley-role";
import { connFromUrl, openWarehouse, type Warehouse } from "../warehouse";

export interface ScratchWarehouse {
  wh: Warehouse;
  name: string;
  url: string;
  cleanup(): Promise<void>;
}

/** An empty database of its own, opened as a Warehouse (tests only). */
export async function scratchWarehouse(prefix = "wh"): Promise<ScratchWarehouse> {
  const db = await createScratchDatabase(prefix);
  const wh = openWarehouse(connFromUrl(db.url));
  return {
    wh,
    name: db.name,
    url: db.url,
    cleanup: async () => {
      await wh.close();
      await db.drop();
    },
  };
}

/** A parent schema with orders (1000), users (200, with duplicates for determinism checks) and big (10,000). */
export async function seedParent(wh: Warehouse, schema = "dev"): Promise<void> {
  await wh.query(`
    CREATE SCHEMA ${schema};
    CREATE TABLE ${schema}.users (id integer PRIMARY KEY, email text, name varchar(40), ssn character(11), phone text, uid uuid, born date);
    INSERT INTO ${schema}.users
      SELECT g, 'user' || (g % 150) || '@example.com', 'Name ' || g, lpad(g::text, 3, '0') || '-12-3456', NULL, md5(g::text)::uuid, date '1990-01-01' + g
        FROM generate_series(1, 200) g;
    CREATE TABLE ${schema}.orders (id serial PRIMARY KEY, user_id integer NOT NULL, total numeric(10,2) DEFAULT 0);
    INSERT INTO ${schema}.orders (user_id, total) SELECT 1 + g % 200, g * 1.5 FROM generate_series(1, 1000) g;
    CREATE TABLE ${schema}.big (id bigint, v text);
    INSERT INTO ${schema}.big SELECT g, 'v' || g FROM generate_series(1, 10000) g;
  `);
}

export async function count(wh: Warehouse, relation: string): Promise<number> {
  const r = await wh.query<{ n: string }>(`SELECT count(*) AS n FROM ${relation}`);
  return Number(r.rows[0].n);
}

export interface GalleyScratchWarehouse extends ScratchWarehouse {
  /** The scratch database opened as the superuser (setup and checks only). */
  admin: Warehouse;
  /** Galley's own NON-superuser role in it (ensureGalleyRole), as production runs it. */
  galleyUser: string;
}

/** A scratch database whose `wh` is Galley's non-superuser role (tests only). */
export async function galleyScratchWarehouse(prefix = "gwh"): Promise<GalleyScratchWarehouse> {
  const db = await createScratchDatabase(prefix);
  const admin = openWarehouse(connFromUrl(db.url));
  const galleyUser = galleyRoleName(db.name);
  const password = `pw-${galleyUser}`;
  await ensureGalleyRole(admin, { role: galleyUser, password });
  const wh = openWarehouse({ ...connFromUrl(db.url), user: galleyUser, password });
  return {
    wh,
    admin,
    galleyUser,
    name: db.name,
    url: db.url,
    cleanup: async () => {
      await wh.close();
      // Roles are cluster-wide: drop the Kitchen roles made here (named after this database), then Galley's.
      const roles = await admin.query<{ r: string }>(
        `SELECT r.rolname AS r FROM pg_roles r JOIN pg_auth_members m ON m.roleid = r.oid JOIN pg_roles g ON g.oid = m.member WHERE g.rolname = $1`,
        [galleyUser],
      );
      await admin.close();
      await db.drop();
      const c = openWarehouse({ ...connFromUrl(db.url), database: "postgres" });
      try {
        // DROP OWNED here revokes what they hold on shared objects (parameters, databases).
        for (const r of [...roles.rows.map((x) => x.r), galleyUser]) {
          const q = `"${r.replace(/"/g, '""')}"`;
          await c.query(`DROP OWNED BY ${q}; DROP ROLE IF EXISTS ${q}`).catch(() => {});
        }
      } finally {
        await c.close();
      }
    },
  };
}
