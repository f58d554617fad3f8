import { AppError } from "@galley/core";
import { authenticateToken } from "./access-tokens";
import { verifyCredentials } from "./sign-in";
import { ACCESS_TOKEN_PREFIX } from "./tokens";
import type { AuthDeps, AuthUser } from "./types";

export interface BasicCredentials {
  username: string;
  password: string;
}

/** Parses `Authorization: Basic base64(user:pass)`; null when absent or malformed. */
export function parseBasicAuth(header: string | null | undefined): BasicCredentials | null {
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m || m[1].length > 4096) return null;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Git over HTTP: `email:pat` or `email:password`. A token must belong to the named email.
 * Passwords go through the sign-in throttle, but no session is opened (git sends credentials on
 * every request). Returns null when the credentials are wrong; throws too_many_requests.
 */
export async function authenticateBasic(deps: AuthDeps, header: string | null | undefined, ip: string): Promise<AuthUser | null> {
  const creds = parseBasicAuth(header);
  if (!creds) return null;
  const email = creds.username.trim().toLowerCase();
  if (creds.password.startsWith(ACCESS_TOKEN_PREFIX)) {
    const user = await authenticateToken(deps, creds.password);
    return user && user.email === email ? user : null;
  }
  try {
    return await verifyCredentials(deps, { email, password: creds.password, ip });
  } catch (e) {
    if (e instanceof AppError && e.code === "unauthenticated") return null;
    throw e;
  }
}
