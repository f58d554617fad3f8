import { createHash, randomBytes } from "node:crypto";
import { closeSync, constants, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from "node:fs";
import path from "node:path";

export const KEK_BYTES = 32;

/** The key-encryption keys this process knows; new seals use the active one, opens use any. */
export interface Keyring {
  activeKekId: string;
  keys: ReadonlyMap<string, Buffer>;
  /**
   * Worker pools with a key of their own (pool → kekId, the key is in `keys`): an environment in
   * such a pool has its secrets sealed and its Kitchen role passwords derived with that key, so
   * workers of other pools (which are not given it) can neither open nor derive them. Only the
   * control plane (web app, `--role all` worker) holds these; a pool's worker gets its key as GALLEY_KEK.
   */
  pools?: ReadonlyMap<string, string>;
}

/**
 * The key ring as seen for an environment of `pool`: its active key is the pool's own key when
 * the control plane has one, else this ring's active key (the default pool; or a worker host,
 * whose only key is its pool's).
 */
export function keyringForPool(keyring: Keyring, pool: string): Keyring {
  const id = keyring.pools?.get(pool);
  return id ? { ...keyring, activeKekId: id } : keyring;
}

/**
 * The keys a worker of `pool` needs, active first: the pool's own key when the control plane has
 * one, else the main keys (active and older ones, never another pool's). What a worker credential
 * carries (@galley/workers), so a worker host needs no GALLEY_KEK.
 */
export function keysForPool(keyring: Keyring, pool: string): Buffer[] {
  const own = keyring.pools?.get(pool);
  if (own) return [keyring.keys.get(own)!];
  const poolIds = new Set(keyring.pools?.values() ?? []);
  const active = keyring.keys.get(keyring.activeKekId)!;
  return [active, ...[...keyring.keys].filter(([id]) => id !== keyring.activeKekId && !poolIds.has(id)).map(([, k]) => k)];
}

/** GALLEY_POOL_KEKS: `pool=<base64 key>,pool=<base64 key>`. */
export function parsePoolKeks(text: string | undefined): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const part of (text ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    const pool = eq > 0 ? part.slice(0, eq) : "";
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(pool) || pool === "default") throw new KekError(`GALLEY_POOL_KEKS: "${pool || part.slice(0, 12)}" is not a pool name other than default (expected pool=<base64 key>)`);
    out.set(pool, parseKek(part.slice(eq + 1), `GALLEY_POOL_KEKS[${pool}]`));
  }
  return out;
}

/** Raised at boot when no usable KEK exists; the process must exit non-zero, never fall back. */
export class KekError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KekError";
  }
}

// Strict: Buffer.from(s, "base64") silently drops garbage, so a typo would become a different key.
const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;

/** The kekId is derived from the key itself, so the same key always gets the same id in every process. */
export function kekIdOf(key: Buffer): string {
  return "k" + createHash("sha256").update("galley-kek-id").update(key).digest("hex").slice(0, 12);
}

export function parseKek(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (trimmed === "") throw new KekError(`${source} is empty; it must be the base64 of ${KEK_BYTES} random bytes`);
  if (!BASE64_32.test(trimmed)) {
    const isBase64 = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed);
    const why = isBase64 ? `decodes to ${Buffer.from(trimmed, "base64").length} bytes` : "is not valid base64";
    throw new KekError(`${source} ${why}; it must be the base64 of exactly ${KEK_BYTES} random bytes (openssl rand -base64 32)`);
  }
  return Buffer.from(trimmed, "base64");
}

export function generateKek(): string {
  return randomBytes(KEK_BYTES).toString("base64");
}

export function createKeyring(activeKey: Buffer, otherKeys: readonly Buffer[] = []): Keyring {
  const keys = new Map<string, Buffer>();
  for (const k of [activeKey, ...otherKeys]) keys.set(kekIdOf(k), k);
  return { activeKekId: kekIdOf(activeKey), keys };
}

export interface LoadKeyringOptions {
  /** GALLEY_KEK: base64 of 32 bytes. When set, the key file is not read. */
  kek?: string;
  /** Older KEKs still needed to open secrets during a rotation (GALLEY_KEK_OLD, comma-separated). */
  oldKeks?: string | readonly string[];
  /** Key file: one base64 key per line, the first is active, the others are older keys. */
  kekFile: string;
  /** Create the key file (mode 0400) when it does not exist: first start of a fresh install. */
  create: boolean;
  /** GALLEY_POOL_KEKS (control plane only): the keys of pools that must not share the main key. */
  poolKeks?: string;
}

/**
 * Loads the keyring at boot. Throws KekError with a message saying what to fix when the key
 * is missing, short or garbled.
 */
export function loadKeyring(opts: LoadKeyringOptions): Keyring {
  const old = splitKeys(opts.oldKeks).map((k, i) => parseKek(k, `GALLEY_KEK_OLD[${i}]`));
  const base = (() => {
    if (opts.kek !== undefined) return createKeyring(parseKek(opts.kek, "GALLEY_KEK"), old);
    const fileKeys = readOrCreateKeyFile(opts.kekFile, opts.create);
    return createKeyring(fileKeys[0], [...fileKeys.slice(1), ...old]);
  })();
  const poolKeys = parsePoolKeks(opts.poolKeks);
  if (poolKeys.size === 0) return base;
  const keys = new Map(base.keys);
  const pools = new Map<string, string>();
  for (const [pool, key] of poolKeys) {
    const id = kekIdOf(key);
    if (id === base.activeKekId) throw new KekError(`GALLEY_POOL_KEKS[${pool}] is the main key: a pool's key must be its own`);
    keys.set(id, key);
    pools.set(pool, id);
  }
  return { activeKekId: base.activeKekId, keys, pools };
}

function splitKeys(v: string | readonly string[] | undefined): string[] {
  if (v === undefined) return [];
  const list = typeof v === "string" ? v.split(",") : [...v];
  return list.map((s) => s.trim()).filter((s) => s !== "");
}

function readOrCreateKeyFile(file: string, create: boolean): Buffer[] {
  let text: string;
  try {
    text = readKeyFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    if (!create) throw new KekError(`No vault key: GALLEY_KEK is not set and ${file} does not exist`);
    text = createKeyFile(file);
  }
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  if (lines.length === 0) throw new KekError(`${file} holds no key`);
  return lines.map((l, i) => parseKek(l, `${file} line ${i + 1}`));
}

function readKeyFile(file: string): string {
  const st = statSync(file);
  // Like ssh with private keys: a key others can read is treated as leaked configuration.
  if ((st.mode & 0o077) !== 0) {
    throw new KekError(`${file} is readable by group or others (mode ${(st.mode & 0o777).toString(8)}); run chmod 400 ${file}`);
  }
  return readFileSync(file, "utf8");
}

function createKeyFile(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const text = generateKek() + "\n";
  let fd: number;
  try {
    // O_EXCL: when web and worker start together, exactly one creates the key and the other reads it.
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o400);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return waitForKeyFile(file);
    throw e;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return text;
}

/** The other process created the file a moment ago and may not have written the key yet. */
function waitForKeyFile(file: string): string {
  const deadline = Date.now() + 2000;
  for (;;) {
    const text = readKeyFile(file);
    if (text.trim() !== "" || Date.now() > deadline) return text;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

/**
 * Rotation step 1 for file-based keyrings: a new active key goes on the first line, the old
 * keys stay below it so existing secrets still open. Restart, run rewrapAll, then drop the old
 * lines with removeKeksFromFile. Returns the new kekId.
 */
export function addKekToFile(file: string): string {
  const current = readKeyFile(file).trim();
  const fresh = generateKek();
  replaceKeyFile(file, `${fresh}\n${current}\n`);
  return kekIdOf(Buffer.from(fresh, "base64"));
}

/** Rotation step 3: keep only the active key once no secret uses the others. */
export function removeKeksFromFile(file: string, keepKekIds: readonly string[]): void {
  const lines = readKeyFile(file).split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  const kept = lines.filter((l, i) => keepKekIds.includes(kekIdOf(parseKek(l, `${file} line ${i + 1}`))));
  if (kept.length === 0) throw new KekError(`refusing to remove every key from ${file}`);
  replaceKeyFile(file, kept.join("\n") + "\n");
}

// Write-then-rename so a crash never leaves a half-written key file.
function replaceKeyFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o400);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
