import { AppError, quoteIdent } from "@galley/core";
import type pg from "pg";
import { sqlError } from "./sql-errors";
import { analyzeScript } from "./sql-targets";
import { asPg, type PgTx, type Warehouse } from "./warehouse";

type Rows = Record<string, unknown>[];

/** One data-test query: its rows, or an AppError with PostgreSQL's message. `batch`: many in one round trip. */
export type TestSessionQuery = ((sql: string, params: unknown[]) => Promise<Rows>) & {
  batch(queries: { sql: string; params: unknown[] }[]): Promise<(Rows | Error)[]>;
};

/**
 * A node's data tests run here: one READ ONLY transaction on `wh` (the Kitchen's own login, see
 * ensureKitchenRole), search_path the Kitchen's schema. Each query runs under a savepoint, so a
 * test on a missing table fails alone and the next test still runs. A query must be exactly one
 * statement: `where:` and `expression:` are the author's SQL, and `x) ; commit; delete ...` would
 * otherwise leave the read-only transaction.
 */
export async function withTestSession<T>(wh: Warehouse, input: { schema: string; timeoutMs: number }, fn: (query: TestSessionQuery) => Promise<T>): Promise<T> {
  const schema = quoteIdent(input.schema);
  return asPg(wh).transaction(async (tx) => {
    await tx.query(`SELECT set_config('statement_timeout', $1, true), set_config('search_path', $2, true)`, [String(input.timeoutMs), `${schema}, public`]);
    const one = async (sql: string, params: unknown[]): Promise<Rows> => {
      const text = singleStatement(sql);
      await tx.query("SAVEPOINT galley_test");
      try {
        const r = await tx.query<Record<string, unknown>>(text, params);
        await tx.query("RELEASE SAVEPOINT galley_test");
        return r.rows;
      } catch (e) {
        await tx.query("ROLLBACK TO SAVEPOINT galley_test");
        throw sqlError(e, { timeoutMs: input.timeoutMs });
      }
    };
    const query = Object.assign(one, { batch: (queries: { sql: string; params: unknown[] }[]) => batch(tx, queries, one) });
    return fn(query);
  }, "BEGIN READ ONLY");
}

/** The statement without a trailing `;`; more than one is refused. */
function singleStatement(sql: string): string {
  const a = analyzeScript(sql);
  if (a.statements !== 1) throw new AppError("invalid_input", `a test query must be exactly one SQL statement (got ${a.statements})`);
  return sql.slice(a.spans[0].start, a.spans[0].end).replace(/;\s*$/, "");
}

/**
 * Parameterless queries go out together as one simple-protocol script, each between SAVEPOINT
 * and RELEASE: 100 tests cost one round trip. PostgreSQL stops a script at its first error
 * without saying which statement failed, so then the rest are asked one at a time.
 */
async function batch(tx: PgTx, queries: { sql: string; params: unknown[] }[], one: (sql: string, params: unknown[]) => Promise<Rows>): Promise<(Rows | Error)[]> {
  const out: (Rows | Error)[] = new Array(queries.length);
  const texts = queries.map((q) => {
    try {
      return q.params.length ? null : singleStatement(q.sql);
    } catch (e) {
      return e as Error;
    }
  });
  const batched = texts.map((t, i) => (typeof t === "string" ? i : -1)).filter((i) => i >= 0);
  texts.forEach((t, i) => t instanceof Error && (out[i] = t));
  if (batched.length) {
    const script = batched.map((i) => `SAVEPOINT galley_test;\n${texts[i]}\n;RELEASE SAVEPOINT galley_test`).join(";\n");
    try {
      const results = (await (tx.client as pg.PoolClient).query(script)) as unknown as pg.QueryResult[];
      const list = Array.isArray(results) ? results : [results];
      batched.forEach((i, k) => (out[i] = (list[3 * k + 1]?.rows ?? []) as Rows));
    } catch {
      await tx.query("ROLLBACK TO SAVEPOINT galley_test").catch(() => {});
      for (const i of batched) out[i] = await one(queries[i].sql, queries[i].params).catch((e: Error) => e);
    }
  }
  for (let i = 0; i < queries.length; i++) if (out[i] === undefined) out[i] = await one(queries[i].sql, queries[i].params).catch((e: Error) => e);
  return out;
}
