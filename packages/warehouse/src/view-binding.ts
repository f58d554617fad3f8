import { qualified, quoteIdent, quoteLiteral } from "@galley/core";
import { parseViewMarker } from "./catalog";
import { asPg, type PgTx, type Tx, type Warehouse } from "./warehouse";

// A child's view points at the parent's table itself (by OID), so when the parent's pipeline
// drops or rebuilds that table, PostgreSQL refuses (dependent objects) or, with CASCADE,
// silently drops the child's view. Galley binds child views by NAME instead: before the
// parent's SQL runs, views in other schemas that depend on the relations it restructures are
// recorded and dropped; afterwards they are recreated against whatever now carries the name.
// A view that cannot be recreated (its table is gone) is left absent and reported.

export interface CapturedView {
  schema: string;
  name: string;
  depth: number;
  /** pg_get_viewdef with an empty search_path, so every name in it is qualified. */
  definition: string;
  owner: string;
  comment: string | null;
  options: string[];
  grants: { grantee: string; privilege: string }[];
}

export interface ViewsReport {
  /** Views dropped and recreated (qualified `schema.name`). */
  recreated: string[];
  /** Views that could not be recreated: left absent, with the reason. */
  lost: { view: string; reason: string }[];
}

const DEPENDENTS_SQL = `
WITH RECURSIVE roots AS (
  SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = $1 AND ($2::text[] IS NULL OR c.relname = ANY($2::text[]))
), dep(oid, depth) AS (
  SELECT DISTINCT r.ev_class, 1
    FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
   WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
     AND d.refobjid IN (SELECT oid FROM roots) AND r.ev_class <> d.refobjid
  UNION
  SELECT r.ev_class, dep.depth + 1
    FROM dep JOIN pg_depend d ON d.refobjid = dep.oid AND d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
    JOIN pg_rewrite r ON r.oid = d.objid
   WHERE r.ev_class <> d.refobjid AND dep.depth < 64
)
SELECT n.nspname AS schema, c.relname AS name, max(dep.depth) AS depth,
       pg_get_viewdef(c.oid) AS definition, pg_get_userbyid(c.relowner) AS owner,
       obj_description(c.oid, 'pg_class') AS comment, coalesce(c.reloptions, '{}') AS options,
       coalesce((SELECT json_agg(json_build_object('grantee', CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, 'privilege', a.privilege_type))
                   FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner), '[]') AS grants
  FROM dep JOIN pg_class c ON c.oid = dep.oid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind = 'v' AND ($3 OR n.nspname <> $1)
 GROUP BY n.nspname, c.relname, c.oid
 ORDER BY max(dep.depth), n.nspname, c.relname`;

/** Runs fn with search_path = pg_catalog only, restoring the caller's afterwards. */
async function withQualifiedNames<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  const prev = await tx.query<{ p: string }>(`SELECT current_setting('search_path') AS p`);
  await tx.query(`SELECT set_config('search_path', 'pg_catalog', true)`);
  // Not in a finally: after a failure the transaction is aborted, and restoring the setting
  // would replace the real error with "current transaction is aborted" (the setting is LOCAL,
  // so the rollback resets it anyway).
  const out = await fn();
  await tx.query(`SELECT set_config('search_path', $1, true)`, [prev.rows[0].p]);
  return out;
}

/**
 * Where children's view definitions are kept (Galley's database) while they are out of the
 * way: saved BEFORE anything is dropped, cleared once they are back. An entry left behind by a
 * crash is restored by the janitor (repairViews).
 */
export interface ViewJournal {
  save(entry: { schema: string; views: CapturedView[] }): Promise<string>;
  clear(id: string): Promise<void>;
}

/**
 * Everything that moves other schemas' views of `schema` aside takes this one lock first (the
 * SQL nodes of one parent, the janitor's repairs): one lock order, so parallel nodes that
 * rebuild tables a child views queue instead of deadlocking on each other's DROP/CREATE VIEW.
 */
export const viewsLockKey = (schema: string) => `galley:views:${schema}`;

/**
 * Restores views recorded by a journal entry whose writer is gone (the worker crashed between
 * moving them aside and putting them back). Skipped (null) while a live node holds the
 * schema's lock: it will restore them itself.
 */
export async function repairViews(wh: Warehouse, schema: string, views: CapturedView[]): Promise<ViewsReport | null> {
  const lock = await asPg(wh).sessionLock(viewsLockKey(schema), { wait: false });
  if (!lock) return null;
  try {
    return await asPg(wh).transaction((tx) => restoreCapturedViews(tx, views));
  } finally {
    await lock.release();
  }
}

/**
 * Views depending (transitively) on relations of `schema` (all, or only `tables`). Views in
 * `schema` itself are followed but not returned unless `includeSameSchema`: the schema's own
 * views are its SQL's business, and PostgreSQL's usual rules apply to them.
 */
export async function captureDependentViews(tx: Tx, schema: string, opts: { tables?: string[]; includeSameSchema?: boolean } = {}): Promise<CapturedView[]> {
  if (opts.tables && opts.tables.length === 0) return [];
  return withQualifiedNames(tx, async () => {
    const r = await tx.query<CapturedView & { depth: string }>(DEPENDENTS_SQL, [schema, opts.tables ?? null, opts.includeSameSchema === true]);
    return r.rows.map((v) => ({ ...v, depth: Number(v.depth) }));
  });
}

export async function dropCapturedViews(tx: Tx, views: CapturedView[]): Promise<void> {
  if (!views.length) return;
  // Deepest first, so no view is dropped while another still depends on it. No CASCADE: anything
  // else depending on these views (a function, a materialized view) makes the drop fail loudly.
  const ordered = [...views].sort((a, b) => b.depth - a.depth);
  await tx.query(ordered.map((v) => `DROP VIEW IF EXISTS ${qualified(v.schema, v.name)};`).join("\n"));
}

function recreateSql(v: CapturedView): string[] {
  const target = qualified(v.schema, v.name);
  const marker = parseViewMarker(v.comment);
  const opts = v.options.filter((o) => /^[a-z_]+=[a-z0-9_]+$/i.test(o));
  const withOpts = opts.length ? ` WITH (${opts.join(", ")})` : "";
  // A Galley view is rebuilt from its marker, so it picks up the parent's new columns too.
  const body = marker ? `SELECT * FROM ${qualified(marker.schema, marker.table)}` : v.definition.trim().replace(/;$/, "");
  const out = [`CREATE VIEW ${target}${withOpts} AS ${body}`];
  if (v.comment !== null) out.push(`COMMENT ON VIEW ${target} IS ${quoteLiteral(v.comment)}`);
  out.push(`ALTER VIEW ${target} OWNER TO ${quoteIdent(v.owner)}`);
  for (const g of v.grants) {
    if (!/^[A-Z ]+$/.test(g.privilege)) continue;
    out.push(`GRANT ${g.privilege} ON ${target} TO ${g.grantee === "PUBLIC" ? "PUBLIC" : quoteIdent(g.grantee)}`);
  }
  return out;
}

/** Recreates captured views that no longer exist, shallowest first; each in its own savepoint. */
export async function restoreCapturedViews(tx: PgTx, views: CapturedView[]): Promise<ViewsReport> {
  const report: ViewsReport = { recreated: [], lost: [] };
  if (!views.length) return report;
  // One query for what is missing: a parent with many children has thousands of dependents.
  const present = await tx.query<{ s: string; r: string }>(
    `SELECT n.nspname AS s, c.relname AS r FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN unnest($1::text[], $2::text[]) AS w(s, r) ON w.s = n.nspname AND w.r = c.relname`,
    [views.map((v) => v.schema), views.map((v) => v.name)],
  );
  const key = (schema: string, name: string) => JSON.stringify([schema, name]);
  const exists = new Set(present.rows.map((x) => key(x.s, x.r)));
  const missing = views.filter((v) => !exists.has(key(v.schema, v.name))).sort((a, b) => a.depth - b.depth);
  if (!missing.length) return report;
  await withQualifiedNames(tx, async () => {
    for (const v of missing) {
      await tx.query("SAVEPOINT galley_view");
      try {
        await tx.query(recreateSql(v).join(";\n"));
        await tx.query("RELEASE SAVEPOINT galley_view");
        report.recreated.push(`${v.schema}.${v.name}`);
      } catch (e) {
        await tx.query("ROLLBACK TO SAVEPOINT galley_view");
        report.lost.push({ view: `${v.schema}.${v.name}`, reason: (e as Error).message });
      }
    }
  });
  return report;
}

/**
 * Runs fn (the parent's SQL) in one transaction where views of OTHER schemas depending on
 * `parentSchema`'s relations (or only `tables`) are out of the way, then rebinds them by name.
 * Views fn dropped by CASCADE are recreated too. Views whose relation is gone are reported in
 * `views.lost` and left absent (an empty stand-in table would hide the break from the child).
 */
export async function withDependentViewsPreserved<T>(
  wh: Warehouse,
  parentSchema: string,
  fn: (tx: Tx) => Promise<T>,
  opts: { tables?: string[] } = {},
): Promise<{ result: T; views: ViewsReport }> {
  const { redshift } = await wh.capabilities();
  return asPg(wh).transaction((tx) => preserveViewsIn(tx, parentSchema, fn, { dropTables: opts.tables, lateBinding: redshift }));
}

/**
 * Transaction-level form. `dropTables` (undefined = all relations of the schema) limits which
 * dependents are dropped up front; all dependents are recorded, so views fn removes through a
 * CASCADE the text did not reveal (a function, dynamic SQL) still come back.
 */
export async function preserveViewsIn<T>(
  tx: PgTx,
  schema: string,
  fn: (tx: PgTx) => Promise<T>,
  opts: { dropTables?: string[]; lateBinding?: boolean } = {},
): Promise<{ result: T; views: ViewsReport }> {
  // Redshift: Galley views are late-binding (WITH NO SCHEMA BINDING), nothing depends on the parent's tables.
  if (opts.lateBinding) return { result: await fn(tx), views: { recreated: [], lost: [] } };
  const all = await captureDependentViews(tx, schema);
  const toDrop = opts.dropTables === undefined ? all : await captureDependentViews(tx, schema, { tables: opts.dropTables });
  await dropCapturedViews(tx, toDrop);
  const result = await fn(tx);
  const views = await restoreCapturedViews(tx, all);
  return { result, views };
}
