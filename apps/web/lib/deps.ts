// Composition root of the web app: the one place that builds adapters from configuration.
// Lazy, so importing a route module does not connect anywhere (next build imports them all).
import { createAuthCache, type AuthCache, type AuthDeps } from "@galley/auth";
import { createLogger, type Logger } from "@galley/core";
import { getDb, type Db } from "@galley/db";
import { config } from "./config";
import { AUTH_CHANNEL, runHub } from "./run-hub";

let log: Logger | undefined;

export function db(): Db {
  // getDb keeps one pool per URL per process (and survives dev-server module reloads).
  return getDb(config().DATABASE_URL);
}

export function logger(): Logger {
  log ??= createLogger({ app: "web" }, config().LOG_LEVEL);
  return log;
}

let authCache: AuthCache | undefined;

/**
 * Auth with the process's cache of session and token lookups (@galley/auth auth-cache.ts): a
 * lookup is trusted for at most AUTH_CACHE_TTL_MS (5 s), and dropped as soon as NOTIFY
 * galley_auth says a session or token was deleted or a user changed (and whenever this process's
 * LISTEN connection comes or goes); sign-out drops its own entry at once.
 */
export function authDeps(): AuthDeps {
  if (!authCache) {
    const cache = (authCache = createAuthCache());
    runHub(db(), config().DATABASE_URL, logger()).onChange(AUTH_CHANNEL, () => cache.clear());
  }
  return { db: db(), cache: authCache };
}
