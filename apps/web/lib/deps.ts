// Composition root of the web app: the one place that builds adapters from configuration.
// Lazy, so importing a route module does not connect anywhere (next build imports them all).
import type { AuthDeps } from "@galley/auth";
import { createLogger, type Logger } from "@galley/core";
import { getDb, type Db } from "@galley/db";
import { config } from "./config";

let log: Logger | undefined;

export function db(): Db {
  // getDb keeps one pool per URL per process (and survives dev-server module reloads).
  return getDb(config().DATABASE_URL);
}

export function logger(): Logger {
  log ??= createLogger({ app: "web" }, config().LOG_LEVEL);
  return log;
}

export function authDeps(): AuthDeps {
  return { db: db() };
}
