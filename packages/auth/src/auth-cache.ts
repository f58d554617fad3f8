// Who a session cookie or access token belongs to, kept briefly in the web process: looking it up
// was a database query on every request, the largest part of what a cheap API answer cost.
// Keyed by the token's SHA-256 (the plain token is never kept), bounded (least recently used
// entries go first) and short-lived: an entry is trusted for at most `ttlMs`, so a session ended
// where this process cannot see it (another process, a lost notification) stops within that
// bound. Processes also drop their entries when PostgreSQL tells them (NOTIFY galley_auth), and
// sign-out drops its own entry at once.
import type { AuthUser } from "./types";

/** How long a cached lookup is trusted: the bound on a revoked session still being accepted. */
export const AUTH_CACHE_TTL_MS = 5_000;
export const AUTH_CACHE_MAX_ENTRIES = 10_000;

export interface CachedAuth {
  kind: "session" | "token";
  /** The session's or token's row id. */
  id: string;
  user: AuthUser;
  /** Session: when it was last touched and when it ends; a token: when it was last used. */
  lastSeenAt: Date | null;
  expiresAt: Date | null;
}

export interface AuthCache {
  get(tokenHash: string): CachedAuth | undefined;
  /** Taken before a lookup reads the database and handed to set(): see `set`. */
  readonly generation: number;
  /** Stores a lookup unless the cache was cleared or an entry deleted since `generation` was taken (it may have read a row just deleted). */
  set(tokenHash: string, value: CachedAuth, generation: number): void;
  delete(tokenHash: string): void;
  clear(): void;
  readonly size: number;
  /**
   * Runs `lookup` once for concurrent callers with the same key (when 200 requests of one client
   * find its entry expired together, one query answers them all instead of 200).
   */
  once<T>(key: string, lookup: () => Promise<T>): Promise<T>;
}

export function createAuthCache(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): AuthCache {
  const ttl = options.ttlMs ?? AUTH_CACHE_TTL_MS;
  const max = options.maxEntries ?? AUTH_CACHE_MAX_ENTRIES;
  const now = options.now ?? (() => performance.now());
  const entries = new Map<string, { value: CachedAuth; at: number }>();
  // Bumped by clear() and delete(): a lookup that started before must not store what it read.
  let generation = 0;
  const inFlight = new Map<string, Promise<unknown>>();
  return {
    once<T>(key: string, lookup: () => Promise<T>): Promise<T> {
      let p = inFlight.get(key) as Promise<T> | undefined;
      if (!p) {
        const started: Promise<T> = lookup().finally(() => inFlight.get(key) === started && inFlight.delete(key));
        p = started;
        inFlight.set(key, p);
      }
      return p;
    },
    get generation() {
      return generation;
    },
    get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      if (now() - e.at >= ttl) {
        entries.delete(key);
        return undefined;
      }
      // Map keeps insertion order: re-inserting makes it the most recently used.
      entries.delete(key);
      entries.set(key, e);
      return e.value;
    },
    set(key, value, gen) {
      if (gen !== generation) return;
      entries.delete(key);
      entries.set(key, { value, at: now() });
      while (entries.size > max) entries.delete(entries.keys().next().value!);
    },
    // Lookups in flight may have read what was just revoked: later callers start their own.
    delete(key) {
      generation++;
      entries.delete(key);
      inFlight.delete(key);
    },
    clear() {
      generation++;
      entries.clear();
      inFlight.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
