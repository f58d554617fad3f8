import type { Db } from "@galley/db";
import type { AuthCache } from "./auth-cache";

export const ROLES = ["admin", "developer", "dataops", "production", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** What the rest of the app knows about a signed-in person: never the password hash. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** The tables auth reads and writes; use cases take only this much of the client. */
export type AuthDb = Pick<Db, "user" | "session" | "accessToken" | "signInAttempt" | "$transaction">;

export interface AuthDeps {
  db: AuthDb;
  /** Injected so timeouts can be reasoned about; defaults to the wall clock. */
  now?: () => Date;
  /** The web process's cache of lookups (auth-cache.ts); without it every call reads the database. */
  cache?: AuthCache;
}

export const AUTH_USER_SELECT = { id: true, email: true, name: true, role: true, disabled: true } as const;

export function toAuthUser(u: { id: string; email: string; name: string; role: Role }): AuthUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}

export function nowOf(deps: AuthDeps): Date {
  return deps.now ? deps.now() : new Date();
}
