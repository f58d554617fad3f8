import { createHash, randomBytes } from "node:crypto";

export const ACCESS_TOKEN_PREFIX = "gly_";

/** 32 random bytes, base64url: the value that travels in the session cookie. */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** `gly_<43 chars>`; the prefix lets secret scanners and our Basic-auth helper recognise it. */
export function newAccessToken(): string {
  return ACCESS_TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** Only this digest is stored, so a database leak yields no usable session or token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Cheap shape check before touching the database with attacker-supplied input. */
export function isPlausibleToken(token: string | null | undefined): token is string {
  return typeof token === "string" && token.length >= 20 && token.length <= 200 && /^[A-Za-z0-9_-]+$/.test(token);
}
