// Worker credential tokens and the pool keys they carry. Pure (node:crypto only).
//
// A token is `gwc_` + 32 random bytes (base64url). The database keeps sha256(token) to find it
// (the token has 256 bits of entropy: no salt or slow hash needed) and the pool's vault keys
// sealed with AES-256-GCM under HKDF(token, credential id): whoever reads the database without
// the token can neither sign in as a worker nor open the keys.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

export const TOKEN_PREFIX = "gwc_";
const TOKEN_RE = /^gwc_[A-Za-z0-9_-]{43}$/;
const FORMAT = "wc1";

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

export function isTokenShaped(token: string): boolean {
  return TOKEN_RE.test(token);
}

export function hashToken(token: string): string {
  return createHash("sha256").update("galley-worker-credential:").update(token).digest("hex");
}

/** What the admin page shows of a token: enough to tell two apart, never enough to use one. */
export function tokenHint(token: string): string {
  return `${TOKEN_PREFIX}…${token.slice(-4)}`;
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

function wrappingKey(token: string, credentialId: string): Buffer {
  return Buffer.from(hkdfSync("sha256", token, credentialId, "galley-worker-credential-keys", 32));
}

// Bound to the credential and its pool: a sealed blob copied to another row does not open.
const aad = (credentialId: string, pool: string) => Buffer.from(`galley:${FORMAT}|credential=${credentialId}|pool=${pool}`);

export function sealPoolKeys(token: string, credentialId: string, pool: string, keys: readonly Buffer[]): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", wrappingKey(token, credentialId), iv);
  c.setAAD(aad(credentialId, pool));
  const ct = Buffer.concat([c.update(JSON.stringify(keys.map((k) => k.toString("base64")))), c.final()]);
  return [FORMAT, iv.toString("base64url"), c.getAuthTag().toString("base64url"), ct.toString("base64url")].join(":");
}

/** The pool's keys, active first; throws when the token, credential or pool does not match. */
export function openPoolKeys(token: string, credentialId: string, pool: string, sealed: string): Buffer[] {
  const [format, iv, tag, ct] = sealed.split(":");
  if (format !== FORMAT || !iv || !tag || !ct) throw new Error("worker credential keys: unknown format");
  const d = createDecipheriv("aes-256-gcm", wrappingKey(token, credentialId), Buffer.from(iv, "base64url"));
  d.setAAD(aad(credentialId, pool));
  d.setAuthTag(Buffer.from(tag, "base64url"));
  const text = Buffer.concat([d.update(Buffer.from(ct, "base64url")), d.final()]).toString("utf8");
  return (JSON.parse(text) as string[]).map((k) => Buffer.from(k, "base64"));
}
