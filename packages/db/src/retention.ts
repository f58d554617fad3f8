
/** Tables with a time column that retention may prune, and that column. Nothing else can be named. */
export const RETENTION_TABLES = {
  node_logs: "at",
  sign_in_attempts: "at",
  worker_heartbeats: "beat_at",
} as const;
export type RetentionTable = keyof typeof RETENTION_TABLES;

/**
 * Deletes rows older than `olderThanMs` from the oldest end, one bounded batch at a time. For
 * tables keyed by an increasing id it walks the primary key from its start and stops at the
 * first young row, so a pass costs the rows it deletes, never a scan of the table.
 * Returns how many rows went.
 */
export async function pruneOlderThan(db: { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> }, table: RetentionTable, olderThanMs: number, opts: { batch?: number; maxBatches?: number } = {}): Promise<number> {
  if (!Object.prototype.hasOwnProperty.call(RETENTION_TABLES, table)) throw new Error(`pruneOlderThan: ${table} is not a retention table`);
  if (!(olderThanMs > 0)) throw new Error(`pruneOlderThan: retention of ${table} must be positive (got ${olderThanMs} ms)`);
  const column = RETENTION_TABLES[table];
  const batch = opts.batch ?? 5_000;
  const cutoff = new Date(Date.now() - olderThanMs);
  let total = 0;
  for (let i = 0; i < (opts.maxBatches ?? 100); i++) {
    // Identifiers come from RETENTION_TABLES only; values are parameters.
    const n =
      table === "worker_heartbeats"
        ? await db.$executeRawUnsafe(`DELETE FROM "${table}" WHERE "${column}" < $1`, cutoff)
        : await db.$executeRawUnsafe(
            `DELETE FROM "${table}" WHERE id IN (
               SELECT id FROM (SELECT id, "${column}" AS t FROM "${table}" ORDER BY id LIMIT $2) oldest WHERE t < $1)`,
            cutoff,
            batch,
          );
    total += n;
    if (table === "worker_heartbeats" || n < batch) return total;
  }
  return total;
}
