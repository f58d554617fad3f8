import { qualified, quoteIdent } from "@galley/core";
import type { TablePlan } from "./data-policy";
import type { Tx } from "./warehouse";

// A view in the parent is a view in the child under every data policy (issue 9 finding 7): the
// pipeline's own `CREATE OR REPLACE VIEW` must work in every Kitchen, and Galley must never run a
// parent's view (its functions) to copy its rows. Where the child has copies of what a parent view
// reads, the child gets the view's own definition bound to the child's relations by name.
//
// How: pg_get_viewdef is printed with search_path = the parent schema, so names of the parent's
// relations come out unqualified (everything else stays qualified); the view is then created with
// search_path = child, parent, so those names resolve to the child's relations of the same name
// (every parent relation has one), and any other name (a function of the parent) to the parent.

export interface ParentView {
  name: string;
  /** The view's SELECT with the parent's own relations unqualified. */
  definition: string;
  /** Relations of the parent schema the view reads directly. */
  reads: string[];
}

/** Definitions of the parent's views, with the parent's names unqualified. Restores search_path. */
export async function parentViews(tx: Tx, parentSchema: string): Promise<Map<string, ParentView>> {
  const prev = await tx.query<{ p: string }>(`SELECT current_setting('search_path') AS p`);
  await tx.query(`SELECT set_config('search_path', $1, true)`, [quoteIdent(parentSchema)]);
  try {
    const defs = await tx.query<{ name: string; definition: string }>(
      `SELECT c.relname AS name, pg_get_viewdef(c.oid) AS definition
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind = 'v'`,
      [parentSchema],
    );
    const deps = await tx.query<{ view: string; dep: string }>(
      `SELECT DISTINCT v.relname AS view, t.relname AS dep
         FROM pg_class v JOIN pg_namespace n ON n.oid = v.relnamespace
         JOIN pg_rewrite r ON r.ev_class = v.oid
         JOIN pg_depend d ON d.objid = r.oid AND d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
         JOIN pg_class t ON t.oid = d.refobjid
        WHERE n.nspname = $1 AND v.relkind = 'v' AND t.relnamespace = n.oid AND t.oid <> v.oid`,
      [parentSchema],
    );
    const out = new Map<string, ParentView>();
    for (const d of defs.rows) out.set(d.name, { name: d.name, definition: d.definition.trim().replace(/;$/, ""), reads: [] });
    for (const d of deps.rows) out.get(d.view)?.reads.push(d.dep);
    return out;
  } finally {
    await tx.query(`SELECT set_config('search_path', $1, true)`, [prev.rows[0].p]);
  }
}

/**
 * Which parent views must be rebound: those the policy asked to copy/sample/empty, and every view
 * that reads (directly or through other views) a relation the child does not get as a plain view
 * of the parent. The others stay zero-copy Galley views of the parent's view.
 */
export function viewsToRebind(plans: TablePlan[], views: Map<string, ParentView>): Set<string> {
  const mode = new Map(plans.map((p) => [p.table, p]));
  const out = new Set(plans.filter((p) => p.rebind && views.has(p.table)).map((p) => p.table));
  const notAView = (name: string) => {
    const p = mode.get(name);
    return p !== undefined && p.mode !== "view";
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const v of views.values()) {
      if (out.has(v.name)) continue;
      if (v.reads.some((r) => notAView(r) || out.has(r))) {
        out.add(v.name);
        changed = true;
      }
    }
  }
  return out;
}

/**
 * Creates the rebound views in the child (views reading other views wait for them: repeated
 * passes, each view in a savepoint). Returns the views that could not be created, with why.
 * The views are created, never run: no code of the parent executes here.
 */
export async function createReboundViews(tx: Tx, childSchema: string, parentSchema: string | undefined, views: ParentView[]): Promise<Map<string, string>> {
  const prev = await tx.query<{ p: string }>(`SELECT current_setting('search_path') AS p`);
  // Across warehouses (no parentSchema) a same-named schema in the target would be someone else's.
  const path = parentSchema === undefined ? quoteIdent(childSchema) : `${quoteIdent(childSchema)}, ${quoteIdent(parentSchema)}`;
  await tx.query(`SELECT set_config('search_path', $1, true)`, [path]);
  const failed = new Map<string, string>();
  try {
    let pending = [...views];
    while (pending.length) {
      const next: ParentView[] = [];
      for (const v of pending) {
        await tx.query("SAVEPOINT galley_rebind");
        try {
          await tx.query(`CREATE VIEW ${qualified(childSchema, v.name)} AS ${v.definition}`);
          await tx.query("RELEASE SAVEPOINT galley_rebind");
        } catch (e) {
          await tx.query("ROLLBACK TO SAVEPOINT galley_rebind");
          failed.set(v.name, (e as Error).message);
          next.push(v);
        }
      }
      if (next.length === pending.length) break;
      for (const v of pending) if (!next.includes(v)) failed.delete(v.name);
      pending = next;
    }
    return failed;
  } finally {
    await tx.query(`SELECT set_config('search_path', $1, true)`, [prev.rows[0].p]);
  }
}
