// A small time-bounded memo with single flight, for read models many people ask for at once (the
// managers' dashboard, a Kitchen's runs list, a run page). Computing an answer once per key and
// sharing the in-flight promise keeps PostgreSQL idle under load. Callers drop entries when what
// they hold changes (a NOTIFY) and `ttlMs` bounds how long a missed change can last. Access is
// decided per request before the cache is asked, so it never widens what someone may see.
export interface TtlCache<T> {
  get(key: string, compute: () => Promise<T>): Promise<T>;
  clear(): void;
  /** Drops one entry (an in-flight computation's waiters still get its answer). */
  delete(key: string): void;
  /** Drops the entries whose key matches (an in-flight computation's waiters still get its answer). */
  deleteWhere(match: (key: string) => boolean): void;
  readonly size: number;
}

export function createTtlCache<T>(ttlMs: number, maxEntries = 500, now: () => number = Date.now): TtlCache<T> {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return {
    get(key, compute) {
      const t = now();
      const hit = entries.get(key);
      if (hit && t - hit.at < ttlMs) return hit.value;
      if (entries.size >= maxEntries) {
        // Oldest first (Map keeps insertion order): drop the expired, then the oldest half.
        for (const [k, e] of entries) if (t - e.at >= ttlMs) entries.delete(k);
        if (entries.size >= maxEntries) for (const k of [...entries.keys()].slice(0, Math.ceil(maxEntries / 2))) entries.delete(k);
      }
      const value = compute();
      entries.delete(key);
      entries.set(key, { at: t, value });
      // A failure is not remembered: the next request tries again.
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
    clear: () => entries.clear(),
    delete(key) {
      entries.delete(key);
    },
    deleteWhere(match) {
      for (const k of [...entries.keys()]) if (match(k)) entries.delete(k);
    },
    get size() {
      return entries.size;
    },
  };
}
