import { randomBytes } from "node:crypto";
import { qualified, quoteIdent } from "@galley/core";
import { parseViewMarker } from "./catalog";
import { kitchenRoleOf } from "./roles";
import { analyzeScript, type ScriptAnalysis, type WriteTarget } from "./sql-targets";
import { captureDependentViews, dropCapturedViews, restoreCapturedViews, viewsLockKey, type ViewsReport } from "./view-binding";
import { asPg, type PgTx, type Warehouse } from "./warehouse";

// Copy on first write: a Kitchen starts with views of its parent's tables (zero copy). The first
// time its SQL writes one of them, the view becomes a real table holding the parent's rows, so
// the write lands in the Kitchen and never reaches the parent (a plain view is auto-updatable:
// an INSERT into it would write the PARENT's table). Storage grows only with what changes.

export interface PrepareWriteReport {
  /** Galley views turned into tables holding the parent's rows. */
  materialised: string[];
  /** Galley views turned into empty tables because the SQL drops or truncates them before anything reads them. */
  emptied: string[];
  /** Galley views the SQL replaces or drops as views: no longer treated as Galley views. */
  unmarked: string[];
  views: ViewsReport;
}

const UNMARK_KINDS = new Set(["drop-view", "replace-view", "create-view"]);
const EMPTYING_KINDS = new Set(["drop-table", "truncate"]);

/** Target names (unqualified or qualified with `schema`) in order of first write. */
export function targetsIn(schema: string, analysis: ScriptAnalysis): WriteTarget[] {
  const first = new Map<string, WriteTarget>();
  for (const t of analysis.targets) {
    if ((t.schema === undefined || t.schema === schema) && !first.has(t.name)) first.set(t.name, t);
  }
  return [...first.values()];
}

/** Which of the SQL's targets in `schema` are still Galley views. */
export async function galleyViewTargets(tx: PgTx, schema: string, analysis: ScriptAnalysis): Promise<(WriteTarget & { ofView: boolean })[]> {
  const targets = targetsIn(schema, analysis);
  if (!targets.length) return [];
  // ofView: the Galley view shows a parent's VIEW. Its rows are never copied, since that would run
  // the parent's view (and any function it calls) as Galley's user.
  const r = await tx.query<{ name: string; comment: string | null; of_view: boolean }>(
    `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment,
            EXISTS (SELECT 1 FROM pg_depend d JOIN pg_rewrite rw ON rw.oid = d.objid JOIN pg_class t ON t.oid = d.refobjid
                     WHERE rw.ev_class = c.oid AND d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
                       AND t.oid <> c.oid AND t.relkind = 'v') AS of_view
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'v' AND c.relname = ANY($2::text[])`,
    [schema, targets.map((t) => t.name)],
  );
  const galley = new Map(r.rows.filter((x) => parseViewMarker(x.comment)).map((x) => [x.name, x.of_view]));
  return targets.filter((t) => galley.has(t.name)).map((t) => ({ ...t, ofView: galley.get(t.name)! }));
}

async function materialise(tx: PgTx, schema: string, name: string, withData: boolean, report: PrepareWriteReport): Promise<void> {
  // Views of this view (the Kitchen's own, or a child Kitchen's) would block DROP VIEW.
  const dependents = await captureDependentViews(tx, schema, { tables: [name], includeSameSchema: true });
  await dropCapturedViews(tx, dependents);
  const owner = await tx.query<{ owner: string }>(
    `SELECT pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, name],
  );
  // The table is the Kitchen's (its Galley view belonged to the parent's reader role).
  const newOwner = (await kitchenRoleOf(tx, schema)) ?? owner.rows[0].owner;
  const tmp = `galley_mat_${randomBytes(6).toString("hex")}`;
  // Galley's user reads the parent's TABLE here (never a view: see prepareWriteIn); a row-level
  // security policy (which could call the parent's functions) makes it fail instead of running.
  await tx.query(`SELECT set_config('row_security', 'off', true)`);
  // LIMIT 0 rather than WITH NO DATA: Redshift understands it too.
  await tx.query(`CREATE TABLE ${qualified(schema, tmp)} AS SELECT * FROM ${qualified(schema, name)}${withData ? "" : " LIMIT 0"}`);
  await tx.query(`SELECT set_config('row_security', 'on', true)`);
  await tx.query(`DROP VIEW ${qualified(schema, name)}`);
  await tx.query(`ALTER TABLE ${qualified(schema, tmp)} RENAME TO ${quoteIdent(name)}`);
  await tx.query(`ALTER TABLE ${qualified(schema, name)} OWNER TO ${quoteIdent(newOwner)}`);
  const restored = await restoreCapturedViews(tx, dependents);
  report.views.recreated.push(...restored.recreated);
  report.views.lost.push(...restored.lost);
  (withData ? report.materialised : report.emptied).push(name);
}

/** Transaction-level form used by runSql (inside its view preservation). */
export async function prepareWriteIn(tx: PgTx, schema: string, analysis: ScriptAnalysis): Promise<PrepareWriteReport> {
  const report: PrepareWriteReport = { materialised: [], emptied: [], unmarked: [], views: { recreated: [], lost: [] } };
  for (const t of await galleyViewTargets(tx, schema, analysis)) {
    if (UNMARK_KINDS.has(t.kind)) {
      await tx.query(`COMMENT ON VIEW ${qualified(schema, t.name)} IS NULL`);
      // The Kitchen's SQL replaces it: it must own it (it belonged to the parent's reader role).
      const role = await kitchenRoleOf(tx, schema);
      if (role) await tx.query(`ALTER VIEW ${qualified(schema, t.name)} OWNER TO ${quoteIdent(role)}`);
      report.unmarked.push(t.name);
    } else if (t.ofView) {
      // Writing a view of the parent's view: left as is, so the write fails as it would on the parent's view.
    } else {
      // `DROP TABLE x` or `TRUNCATE x` with nothing reading x first: the rows would be thrown away.
      const withData = !(EMPTYING_KINDS.has(t.kind) && !t.mentionedBefore);
      await materialise(tx, schema, t.name, withData, report);
    }
  }
  return report;
}

/**
 * Finds the tables `sqlText` writes in `schema` and turns those that are still Galley views
 * into real tables, in one transaction.
 */
export async function prepareWrite(wh: Warehouse, schema: string, sqlText: string): Promise<PrepareWriteReport> {
  quoteIdent(schema);
  const analysis = analyzeScript(sqlText);
  return asPg(wh).transaction((tx) => prepareWriteIn(tx, schema, analysis));
}

/**
 * Copy on first write for a container node: the tables it declares under `writes:` that are still
 * Galley views become the Kitchen's own tables (with the parent's rows) before it starts, since
 * its writes cannot be read from a script.
 */
export async function prepareDeclaredWrites(wh: Warehouse, schema: string, tables: string[]): Promise<PrepareWriteReport> {
  quoteIdent(schema);
  const analysis: ScriptAnalysis = {
    statements: tables.length,
    targets: tables.map((name, statement) => ({ kind: "insert", name, statement, mentionedBefore: false })),
    dynamic: false,
    transactionControl: [],
    spans: [],
  };
  const { redshift } = await wh.capabilities();
  return asPg(wh).transaction(async (tx) => {
    // The lock SQL nodes take before moving views of this schema: one order, no deadlock between them.
    if (!redshift) await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [viewsLockKey(schema)]);
    return prepareWriteIn(tx, schema, analysis);
  });
}
