import { qualified, quoteIdent } from "@galley/core";
import type { SourceRelation } from "./select-builder";
import { asPg, type Tx, type Warehouse } from "./warehouse";

// Catalog reads. Plain pg_class/pg_attribute/pg_namespace queries (no json_agg, no
// relispartition) so they also work on Redshift's older catalog.

const VIEW_MARKER = "galley:view-of ";

/** The COMMENT that marks a Galley view (zero-copy child of a parent table). */
export function viewMarker(parentSchema: string, table: string): string {
  return VIEW_MARKER + qualified(parentSchema, table);
}

const QUOTED = `"((?:[^"]|"")+)"`;
const MARKER_RE = new RegExp(`^${VIEW_MARKER}${QUOTED}\\.${QUOTED}$`);

export function parseViewMarker(comment: string | null | undefined): { schema: string; table: string } | undefined {
  const m = comment ? MARKER_RE.exec(comment) : null;
  return m ? { schema: m[1].replace(/""/g, '"'), table: m[2].replace(/""/g, '"') } : undefined;
}

export interface CatalogColumn {
  name: string;
  type: string;
  /** False for enums, domains and extension types: another warehouse may not have them. */
  builtin: boolean;
}

export interface CatalogRelation extends SourceRelation {
  columns: CatalogColumn[];
}

/** Relations a child Kitchen can get from `schema`: tables, views, materialized and foreign tables, minus partitions. */
export async function listRelations(tx: Tx, schema: string): Promise<CatalogRelation[]> {
  const rels = await tx.query<{ oid: number; name: string; relkind: string }>(
    `SELECT c.oid, c.relname AS name, c.relkind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid AND p.relkind = 'p')
      ORDER BY c.relname`,
    [schema],
  );
  const cols = await tx.query<{ relid: number; name: string; type: string; builtin: boolean }>(
    `SELECT a.attrelid AS relid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, tn.nspname = 'pg_catalog' AS builtin
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace tn ON tn.oid = t.typnamespace
      WHERE n.nspname = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum`,
    [schema],
  );
  const byRel = new Map<number, CatalogColumn[]>();
  for (const c of cols.rows) {
    const list = byRel.get(Number(c.relid)) ?? [];
    list.push({ name: c.name, type: c.type, builtin: c.builtin });
    byRel.set(Number(c.relid), list);
  }
  return rels.rows.map((r) => ({ schema, name: r.name, relkind: r.relkind, columns: byRel.get(Number(r.oid)) ?? [] }));
}

export async function schemaExists(wh: Warehouse | Tx, schema: string): Promise<boolean> {
  const r = await wh.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema]);
  return r.rowCount > 0;
}

export interface TableInfo {
  name: string;
  kind: "table" | "view";
  /** Estimated rows (planner statistics), or exact with `exact: true`; absent for views and never-analysed tables. */
  rows?: number;
  /** For Galley views: the parent relation they show. */
  viewOf?: string;
}

export async function listTables(wh: Warehouse, schema: string, opts: { exact?: boolean } = {}): Promise<TableInfo[]> {
  const r = await wh.query<{ name: string; relkind: string; reltuples: number; comment: string | null }>(
    `SELECT c.relname AS name, c.relkind, c.reltuples::float8 AS reltuples, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      ORDER BY c.relname`,
    [schema],
  );
  const out: TableInfo[] = [];
  for (const row of r.rows) {
    const kind = row.relkind === "v" ? "view" : "table";
    const info: TableInfo = { name: row.name, kind };
    const marker = parseViewMarker(row.comment);
    if (marker) info.viewOf = `${marker.schema}.${marker.table}`;
    if (kind === "table") {
      if (opts.exact) {
        const c = await wh.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(schema, row.name)}`);
        info.rows = Number(c.rows[0].n);
      } else if (row.reltuples >= 0 && row.relkind !== "p") info.rows = Math.round(row.reltuples);
    }
    out.push(info);
  }
  return out;
}

export interface DropSchemaResult {
  dropped: boolean;
  /** Views in other schemas (children's Galley views, their own views) that CASCADE removed. */
  droppedDependents: string[];
}

/** Drops a Kitchen's schema and everything in it; idempotent. Reports what CASCADE took from other schemas. */
export async function dropSchema(wh: Warehouse, schema: string): Promise<DropSchemaResult> {
  quoteIdent(schema);
  return asPg(wh).transaction(async (tx) => {
    if (!(await schemaExists(tx, schema))) return { dropped: false, droppedDependents: [] };
    const deps = await tx.query<{ name: string }>(
      `SELECT DISTINCT vn.nspname || '.' || v.relname AS name
         FROM pg_depend d
         JOIN pg_rewrite rw ON rw.oid = d.objid
         JOIN pg_class v ON v.oid = rw.ev_class JOIN pg_namespace vn ON vn.oid = v.relnamespace
         JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
          AND n.nspname = $1 AND vn.nspname <> $1
        ORDER BY 1`,
      [schema],
    );
    await tx.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    return { dropped: true, droppedDependents: deps.rows.map((d) => d.name) };
  });
}
