// The session cookie: httpOnly, SameSite=Lax, Path=/; Secure with the `__Host-` prefix when
// served over HTTPS (the prefix forbids Domain= and requires Secure, so subdomains cannot plant one).
import { isSecureDeployment } from "./config";

const BASE_NAME = "galley_session";

export function sessionCookieName(): string {
  return isSecureDeployment() ? `__Host-${BASE_NAME}` : BASE_NAME;
}

function attributes(): string[] {
  return ["Path=/", "HttpOnly", "SameSite=Lax", ...(isSecureDeployment() ? ["Secure"] : [])];
}

export function sessionCookie(token: string, expiresAt: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return [`${sessionCookieName()}=${token}`, ...attributes(), `Max-Age=${maxAge}`, `Expires=${expiresAt.toUTCString()}`].join("; ");
}

export function clearedSessionCookie(): string {
  return [`${sessionCookieName()}=`, ...attributes(), "Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT"].join("; ");
}

/** Reads one cookie from a Cookie header without a framework (route handlers and tests alike). */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionTokenFrom(req: Request): string | undefined {
  return readCookie(req.headers.get("cookie"), sessionCookieName());
}
