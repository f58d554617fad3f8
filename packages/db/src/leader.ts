import pg from "pg";

/**
 * Leadership for periodic housekeeping (the janitor): a session-level advisory lock on a
 * connection of its own, so it lasts exactly as long as the holder's process (or until
 * release()). Null when another process leads.
 */
export async function tryLeadership(databaseUrl: string, key: string): Promise<{ release(): Promise<void> } | null> {
  const c = new pg.Client({ connectionString: databaseUrl, application_name: "galley-leader" });
  c.on("error", () => {});
  await c.connect();
  try {
    const r = await c.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok`, [key]);
    if (r.rows[0].ok) return { release: () => c.end().catch(() => {}) };
  } catch (e) {
    await c.end().catch(() => {});
    throw e;
  }
  await c.end().catch(() => {});
  return null;
}
