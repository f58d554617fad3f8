// A small time-bounded memo with single flight. The dashboard is the page every manager keeps
// open: many identical requests within a few seconds. Computing it once per key per `ttlMs` and
// sharing the in-flight promise keeps PostgreSQL idle under load; a dashboard at most `ttlMs` old
// is fine (the numbers are per day), and access is still decided per request before the key is
// built, so the cache never widens what someone may see.
export interface TtlCache<T> {
  get(key: string, compute: () => Promise<T>): Promise<T>;
  clear(): void;
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
    get size() {
      return entries.size;
    },
  };
}
