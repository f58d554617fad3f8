import { AppError, quoteIdent } from "@galley/core";
import { sqlError } from "./sql-errors";
import { analyzeScript } from "./sql-targets";
import { asPg, type Warehouse } from "./warehouse";

/** One data-test query: its rows, or an AppError with PostgreSQL's message. */
export type TestSessionQuery = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

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
    return fn(async (sql, params) => {
      const statements = analyzeScript(sql).statements;
      if (statements !== 1) throw new AppError("invalid_input", `a test query must be exactly one SQL statement (got ${statements})`);
      await tx.query("SAVEPOINT galley_test");
      try {
        const r = await tx.query<Record<string, unknown>>(sql, params);
        await tx.query("RELEASE SAVEPOINT galley_test");
        return r.rows;
      } catch (e) {
        await tx.query("ROLLBACK TO SAVEPOINT galley_test");
        throw sqlError(e, { timeoutMs: input.timeoutMs });
      }
    });
  }, "BEGIN READ ONLY");
}
