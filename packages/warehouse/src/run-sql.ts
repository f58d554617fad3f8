import { AppError, quoteIdent } from "@galley/core";
import type pg from "pg";
import { galleyViewTargets, prepareWriteIn, targetsIn } from "./prepare-write";
import { kitchenRoleOf } from "./roles";
import { sqlError } from "./sql-errors";
import { analyzeScript, STRUCTURAL_KINDS, type ScriptAnalysis } from "./sql-targets";
import { lineOfPosition } from "./sql-tokenize";
import { captureDependentViews, dropCapturedViews, preserveViewsIn, restoreCapturedViews, viewsLockKey, type CapturedView, type ViewJournal, type ViewsReport } from "./view-binding";
import { asPg, isConnectionError, PgTx, type PgWarehouse, type Warehouse } from "./warehouse";

export interface RunSqlInput {
  /** The Kitchen's schema: first on the search_path, so unqualified CREATE TABLE lands there. */
  schema: string;
  sql: string;
  /** statement_timeout for each statement; the whole script is cancelled after timeoutMs + 2 s. */
  timeoutMs: number;
  onNotice?: (message: string) => void;
  /** Where the SQL came from (e.g. `pipelines/profit/orders.sql`), for errors' `file:line`. */
  source?: string;
  /**
   * The Kitchen's own connection (openWarehouse as its LOGIN role, see ensureKitchenRole). When
   * given, the user's statements run on it, in a transaction of their own, so they have only the
   * Kitchen's rights whatever they do (RESET ROLE included). `wh` (Galley's user) keeps the steps
   * that need more: copy on first write before, rebinding other schemas' views after.
   */
  as?: Warehouse;
  /** Where other Kitchens' view definitions are saved while they are out of the way (see ViewJournal). */
  journal?: ViewJournal;
}

export interface RunSqlResult {
  statements: number;
  /** Per statement: rows affected or returned, null for statements without a count (DDL). */
  rowCounts: (number | null)[];
  ms: number;
  /** Views turned into tables by copy on first write. */
  materialised: string[];
  /** Other schemas' views rebound after the SQL restructured what they show. */
  views: ViewsReport;
}

const GRACE_MS = 2000;

function rejectTransactionControl(sql: string, analysis: ScriptAnalysis, source?: string): void {
  const tc = analysis.transactionControl[0];
  if (!tc) return;
  const { line } = lineOfPosition(sql, tc.position);
  throw new AppError("invalid_input", `${tc.keyword} is not allowed in a SQL node (line ${line}): Galley runs each node in one transaction and commits it when the node succeeds`, {
    field: `${source ?? "sql"}:${line}`,
  });
}

/** Relations whose dependents must be moved aside before the SQL runs (undefined = all of the schema). */
async function tablesToUnbind(tx: PgTx, schema: string, analysis: ScriptAnalysis): Promise<string[] | undefined> {
  if (analysis.dynamic) return undefined;
  const structural = targetsIn(schema, analysis).filter((t) => STRUCTURAL_KINDS.has(t.kind)).map((t) => t.name);
  const views = (await galleyViewTargets(tx, schema, analysis)).map((t) => t.name);
  return [...new Set([...structural, ...views])];
}

const CURSOR_PREFIX = "DECLARE galley_rows NO SCROLL CURSOR FOR ";

/**
 * Sends the statements one at a time. Plain queries run through a cursor and MOVE, so a
 * `SELECT * FROM huge` at the end of a node counts rows in the server instead of shipping them
 * all into the worker's memory.
 */
async function execute(client: pg.PoolClient, input: RunSqlInput, analysis: ScriptAnalysis): Promise<(number | null)[]> {
  const listener = (msg: { message?: string }) => input.onNotice?.(msg.message ?? String(msg));
  client.on("notice", listener);
  const counts: (number | null)[] = [];
  try {
    for (const span of analysis.spans) {
      const text = input.sql.slice(span.start, span.end);
      const before = Array.from(input.sql.slice(0, span.start)).length;
      try {
        if (span.query) {
          await client.query(CURSOR_PREFIX + text);
          const moved = await client.query("MOVE FORWARD ALL IN galley_rows");
          await client.query("CLOSE galley_rows");
          counts.push(moved.rowCount ?? 0);
        } else {
          const res = (await client.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
          for (const r of Array.isArray(res) ? res : [res]) counts.push(r.rowCount ?? null);
        }
      } catch (e) {
        const offset = before - (span.query ? CURSOR_PREFIX.length : 0);
        throw sqlError(e, { sql: input.sql, source: input.source, timeoutMs: input.timeoutMs, offset });
      }
    }
    return counts;
  } finally {
    client.off("notice", listener);
  }
}

/**
 * Runs a SQL node's text in a Kitchen's schema, in ONE transaction: copy on first write for the
 * tables it writes, other Kitchens' views kept bound by name, the Kitchen's role (if any) for
 * the user's statements, and errors mapped to AppError with the line in the SQL text.
 */
export async function runSql(wh: Warehouse, input: RunSqlInput): Promise<RunSqlResult> {
  const t0 = performance.now();
  quoteIdent(input.schema);
  const analysis = analyzeScript(input.sql);
  rejectTransactionControl(input.sql, analysis, input.source);
  if (analysis.statements === 0) return { statements: 0, rowCounts: [], ms: 0, materialised: [], views: { recreated: [], lost: [] } };
  const pgw = asPg(wh);
  // Before checking out a connection: a first capabilities() call needs one of its own.
  const { redshift } = await wh.capabilities();
  if (input.as) return runAsKitchen(pgw, asPg(input.as), input, analysis, redshift, t0);
  return pgw.withClient(async (client) => {
    const watchdog = startWatchdog(pgw, client, input.timeoutMs + GRACE_MS);
    const tx = new PgTx(client);
    await client.query("BEGIN");
    try {
      await tx.query(`SELECT set_config('statement_timeout', $1, true)`, [String(Math.max(1, Math.floor(input.timeoutMs)))]);
      const role = redshift ? undefined : await kitchenRoleOf(tx, input.schema);
      const dropTables = await tablesToUnbind(tx, input.schema, analysis);
      // Same lock as the three-transaction path, taken before any view is touched.
      if (!redshift && (dropTables === undefined || dropTables.length)) await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [viewsLockKey(input.schema)]);
      const { result, views } = await preserveViewsIn(
        tx,
        input.schema,
        async () => {
          const prep = await prepareWriteIn(tx, input.schema, analysis);
          await tx.query(`SELECT set_config('search_path', $1, true)`, [`${quoteIdent(input.schema)}, public`]);
          if (role) await tx.query(`SET LOCAL ROLE ${quoteIdent(role)}`);
          const counts = await execute(client, input, analysis);
          if (role) await tx.query(`RESET ROLE`);
          return { prep, counts };
        },
        { dropTables, lateBinding: redshift },
      );
      await client.query("COMMIT");
      return {
        statements: analysis.statements,
        rowCounts: result.counts,
        ms: Math.round(performance.now() - t0),
        materialised: [...result.prep.materialised, ...result.prep.emptied],
        views: { recreated: [...result.prep.views.recreated, ...views.recreated], lost: [...result.prep.views.lost, ...views.lost] },
      };
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      if (isConnectionError(e)) throw e;
      throw sqlError(e, { timeoutMs: input.timeoutMs, source: input.source });
    } finally {
      clearTimeout(watchdog);
    }
  });
}

/**
 * runSql with the user's statements on the Kitchen's own connection. Three transactions, because
 * the Kitchen's would wait forever on locks Galley's still held: (1) Galley's user moves aside
 * the views of other schemas that depend on what the SQL restructures and materialises the
 * Galley views it writes, and commits; (2) the Kitchen's role runs the SQL; (3) Galley's user
 * recreates every recorded view that is gone, whether (2) succeeded or not.
 * A node that restructures anything holds the schema's views lock (viewsLockKey) from (1) to (3):
 * parallel nodes of one parent queue there instead of deadlocking on each other's views, and
 * the views recorded are saved in the journal before (1) drops them, so a crash between (1) and
 * (3) is repaired by the janitor. The cost of not being one transaction: a failed node keeps its
 * materialised tables (same rows as the views they replaced), and children's views it
 * restructures are absent during (2).
 */
async function runAsKitchen(pgw: PgWarehouse, kitchen: PgWarehouse, input: RunSqlInput, analysis: ScriptAnalysis, redshift: boolean, t0: number): Promise<RunSqlResult> {
  const timeout = String(Math.max(1, Math.floor(input.timeoutMs)));
  const mapErr = (e: unknown) => (isConnectionError(e) || e instanceof AppError ? e : sqlError(e, { timeoutMs: input.timeoutMs, source: input.source }));
  // Only nodes that restructure something (or run dynamic SQL) move views aside and need the lock.
  const restructures = !redshift && (analysis.dynamic || (await pgw.transaction((tx) => tablesToUnbind(tx, input.schema, analysis)).catch((e) => { throw mapErr(e); }))!.length > 0);
  const lock = restructures ? await pgw.sessionLock(viewsLockKey(input.schema), { wait: true }) : null;
  try {
    let all: CapturedView[] = [];
    let journalId: string | undefined;
    if (restructures) {
      all = await pgw.transaction((tx) => captureDependentViews(tx, input.schema)).catch((e) => { throw mapErr(e); });
      if (all.length && input.journal) journalId = await input.journal.save({ schema: input.schema, views: all });
    }
    const prep = await pgw
      .transaction(async (tx) => {
        await tx.query(`SELECT set_config('statement_timeout', $1, true)`, [timeout]);
        if (all.length) {
          const dropTables = await tablesToUnbind(tx, input.schema, analysis);
          await dropCapturedViews(tx, dropTables === undefined ? all : await captureDependentViews(tx, input.schema, { tables: dropTables }));
        }
        return prepareWriteIn(tx, input.schema, analysis);
      })
      .catch((e) => {
        throw mapErr(e);
      });
    const restore = async (): Promise<ViewsReport> => {
      const views = await pgw.transaction((tx) => restoreCapturedViews(tx, all));
      if (journalId) await input.journal!.clear(journalId);
      return views;
    };
    let counts: (number | null)[];
    try {
      counts = await runStatements(pgw, kitchen, input, analysis, timeout);
    } catch (e) {
      const cause = mapErr(e);
      if (!all.length) throw cause;
      // The SQL's own error stays the error; a restore that fails too is said, not swallowed.
      await restore().catch((re) => {
        throw restoreFailed(cause as Error, input.schema, re, journalId !== undefined);
      });
      throw cause;
    }
    const views = all.length
      ? await restore().catch((re) => {
          throw restoreFailed(null, input.schema, re, journalId !== undefined);
        })
      : { recreated: [], lost: [] };
    return {
      statements: analysis.statements,
      rowCounts: counts,
      ms: Math.round(performance.now() - t0),
      materialised: [...prep.materialised, ...prep.emptied],
      views: { recreated: [...prep.views.recreated, ...views.recreated], lost: [...prep.views.lost, ...views.lost] },
    };
  } finally {
    await lock?.release();
  }
}

async function runStatements(pgw: PgWarehouse, kitchen: PgWarehouse, input: RunSqlInput, analysis: ScriptAnalysis, timeout: string): Promise<(number | null)[]> {
  return kitchen.withClient(async (client) => {
    const watchdog = startWatchdog(pgw, client, input.timeoutMs + GRACE_MS);
    await client.query("BEGIN");
    try {
      await client.query(`SELECT set_config('statement_timeout', $1, true), set_config('search_path', $2, true)`, [timeout, `${quoteIdent(input.schema)}, public`]);
      const out = await execute(client, input, analysis);
      await client.query("COMMIT");
      return out;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      clearTimeout(watchdog);
    }
  });
}

function restoreFailed(sqlFailure: Error | null, schema: string, e: unknown, journaled: boolean): AppError {
  const reason = (e as Error)?.message ?? String(e);
  const first = sqlFailure ? `${sqlFailure.message}; also, ` : "";
  const later = journaled ? " They are recorded; the janitor restores them once the warehouse answers." : "";
  return new AppError(isConnectionError(e) ? "unavailable" : "internal", `${first}other Kitchens' views of ${schema} could not be put back: ${reason}.${later}`, {
    cause: sqlFailure ?? e,
    field: sqlFailure instanceof AppError ? sqlFailure.field : undefined,
    details: { restoreError: reason, ...(sqlFailure instanceof AppError && sqlFailure.details && typeof sqlFailure.details === "object" ? (sqlFailure.details as object) : {}) },
  });
}

/** statement_timeout can be changed by the SQL itself; this cancel from another connection cannot. */
function startWatchdog(pgw: PgWarehouse, client: pg.PoolClient, ms: number): NodeJS.Timeout {
  const pid = (client as unknown as { processID?: number }).processID;
  const timer = setTimeout(() => {
    if (pid) pgw.cancelBackend(pid).catch(() => {});
  }, ms);
  timer.unref();
  return timer;
}

/**
 * Runs a scalar query (a data test's metric) read-only in a Kitchen's schema and returns its
 * single value as a number.
 */
export async function metric(wh: Warehouse, input: { schema: string; sql: string; timeoutMs?: number; source?: string }): Promise<number> {
  quoteIdent(input.schema);
  const analysis = analyzeScript(input.sql);
  if (analysis.statements !== 1) {
    throw new AppError("invalid_input", `a metric must be exactly one SQL query (got ${analysis.statements} statements)`, { field: input.source });
  }
  const timeoutMs = input.timeoutMs ?? 30_000;
  const pgw = asPg(wh);
  return pgw.transaction(async (tx) => {
    await tx.query(`SELECT set_config('statement_timeout', $1, true)`, [String(timeoutMs)]);
    const role = await kitchenRoleOf(tx, input.schema);
    await tx.query(`SELECT set_config('search_path', $1, true)`, [`${quoteIdent(input.schema)}, public`]);
    if (role) await tx.query(`SET LOCAL ROLE ${quoteIdent(role)}`);
    let rows: Record<string, unknown>[];
    try {
      rows = (await tx.client.query(input.sql)).rows;
    } catch (e) {
      throw sqlError(e, { sql: input.sql, source: input.source, timeoutMs });
    }
    return toNumber(rows, input.source);
  }, "BEGIN READ ONLY");
}

function toNumber(rows: Record<string, unknown>[], source?: string): number {
  if (rows.length === 0) throw new AppError("invalid_input", "metric query returned no rows; it must return one number", { field: source });
  const v = Object.values(rows[0])[0];
  if (v === null || v === undefined) throw new AppError("invalid_input", "metric query returned NULL; it must return one number (use coalesce)", { field: source });
  const n = typeof v === "number" ? v : typeof v === "string" || typeof v === "bigint" ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new AppError("invalid_input", `metric query returned ${JSON.stringify(String(v)).slice(0, 60)}, not a number`, { field: source });
  return n;
}
