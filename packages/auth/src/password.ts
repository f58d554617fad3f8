import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { AppError } from "@galley/core";

// OWASP's scrypt baseline: N=2^15, r=8, p=1 (32 MiB per hash). Node's default maxmem is exactly
// 32 MiB, which scrypt exceeds by a few bytes, so it is raised.
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const SALT_LEN = 16;
const MAXMEM = 128 * 1024 * 1024;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

// The most common passwords of allowed length (a small stand-in for a breached-password list).
const COMMON = new Set([
  "password", "password1", "password123", "12345678", "123456789", "1234567890", "qwertyui",
  "qwerty123", "iloveyou", "11111111", "00000000", "abc12345", "sunshine", "princess",
  "football", "baseball", "welcome1", "passw0rd", "letmein1", "trustno1", "superman",
  "1q2w3e4r", "qwertyuiop", "changeme", "administrator", "galleygalley",
]);

function scrypt(password: string, salt: Buffer, keyLen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize("NFKC"), salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Throws `invalid_input` (field `password`) when a new password breaks the policy. */
export function assertPasswordPolicy(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN) throw new AppError("invalid_input", `password must be at least ${PASSWORD_MIN} characters`, { field: "password" });
  if (length > PASSWORD_MAX) throw new AppError("invalid_input", `password must be at most ${PASSWORD_MAX} characters`, { field: "password" });
  if (COMMON.has(password.toLowerCase())) throw new AppError("invalid_input", "password is too common; choose another", { field: "password" });
}

/** `scrypt$N$r$p$salt$hash` with base64 salt and hash. Enforces the policy first. */
export async function hashPassword(password: string): Promise<string> {
  assertPasswordPolicy(password);
  const salt = randomBytes(SALT_LEN);
  const key = await scrypt(password, salt, KEY_LEN, { N, r: R, p: P, maxmem: MAXMEM });
  return ["scrypt", N, R, P, salt.toString("base64"), key.toString("base64")].join("$");
}

interface ParsedHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  // Bounds keep a tampered hash from turning verification into a memory or CPU bomb.
  if (!Number.isInteger(n) || n < 2 ** 10 || n > 2 ** 20 || (n & (n - 1)) !== 0) return null;
  if (!Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return null;
  const salt = Buffer.from(parts[4], "base64");
  const key = Buffer.from(parts[5], "base64");
  if (salt.length < 8 || key.length < 16) return null;
  return { n, r, p, salt, key };
}

/** Constant-time comparison; false for a malformed hash rather than throwing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parseHash(stored);
  if (!h || password.length > PASSWORD_MAX * 4) return false;
  const key = await scrypt(password, h.salt, h.key.length, { N: h.n, r: h.r, p: h.p, maxmem: MAXMEM });
  return timingSafeEqual(key, h.key);
}

let dummyHash: Promise<string> | undefined;

/**
 * Burns the same time as a real verification; used when the user does not exist so the
 * response time does not reveal which emails have accounts.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(18).toString("base64url"));
  await verifyPassword(password, await dummyHash);
  return false;
}
