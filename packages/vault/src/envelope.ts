import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Keyring } from "./keyring";

/** Where a secret lives; bound into both encryption layers so a ciphertext cannot be moved. */
export interface SecretRef {
  environmentId: string;
  name: string;
  version: number;
}

export const FORMAT = "gv1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DEK_BYTES = 32;

/** Decryption failed: wrong key, tampered bytes, or a ciphertext copied to another ref. Never says which. */
export class VaultDecryptError extends Error {
  constructor(message = "secret could not be decrypted (wrong key, tampered, or moved to another environment, name or version)") {
    super(message);
    this.name = "VaultDecryptError";
  }
}

export function aadOf(ref: SecretRef): Buffer {
  return Buffer.from(`galley:v1|env=${ref.environmentId}|name=${ref.name}|ver=${ref.version}`, "utf8");
}

interface Envelope {
  kekId: string;
  wrapIv: Buffer;
  wrappedDek: Buffer;
  wrapTag: Buffer;
  iv: Buffer;
  ct: Buffer;
  tag: Buffer;
}

function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: Buffer): { iv: Buffer; ct: Buffer; tag: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return { iv, ct, tag: c.getAuthTag() };
}

function gcmDecrypt(key: Buffer, iv: Buffer, ct: Buffer, tag: Buffer, aad: Buffer): Buffer {
  try {
    const d = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    d.setAAD(aad);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(ct), d.final()]);
  } catch {
    throw new VaultDecryptError();
  }
}

const b64u = (b: Buffer) => b.toString("base64url");

function serialise(e: Envelope): string {
  return [FORMAT, e.kekId, ...[e.wrapIv, e.wrappedDek, e.wrapTag, e.iv, e.ct, e.tag].map(b64u)].join(":");
}

const PART = /^[A-Za-z0-9_-]*$/;

function parse(sealed: string): Envelope {
  const parts = sealed.split(":");
  if (parts.length !== 8 || parts[0] !== FORMAT || !parts.slice(2).every((p) => PART.test(p))) {
    throw new VaultDecryptError(`not a ${FORMAT} envelope`);
  }
  const [wrapIv, wrappedDek, wrapTag, iv, ct, tag] = parts.slice(2).map((p) => Buffer.from(p, "base64url"));
  const sizesOk =
    wrapIv.length === IV_BYTES && wrappedDek.length === DEK_BYTES && wrapTag.length === TAG_BYTES && iv.length === IV_BYTES && tag.length === TAG_BYTES;
  if (!sizesOk) throw new VaultDecryptError(`malformed ${FORMAT} envelope`);
  return { kekId: parts[1], wrapIv, wrappedDek, wrapTag, iv, ct, tag };
}

function kekFor(keyring: Keyring, kekId: string): Buffer {
  const kek = keyring.keys.get(kekId);
  if (!kek) throw new VaultDecryptError(`secret is sealed with key ${kekId}, which is not in the keyring (add it with GALLEY_KEK_OLD or the key file)`);
  return kek;
}

/** The kekId a sealed value was wrapped with (rotation uses it to find rows still on an old key). */
export function kekIdOfSealed(sealed: string): string {
  return parse(sealed).kekId;
}

/**
 * Envelope encryption: a fresh DEK per secret version encrypts the value; the active KEK wraps
 * the DEK. One encryption per DEK, so GCM's nonce-reuse limits never come into play.
 */
export function sealSecret(keyring: Keyring, ref: SecretRef, plaintext: string): string {
  const aad = aadOf(ref);
  const dek = randomBytes(DEK_BYTES);
  try {
    const data = gcmEncrypt(dek, Buffer.from(plaintext, "utf8"), aad);
    const wrap = gcmEncrypt(kekFor(keyring, keyring.activeKekId), dek, aad);
    return serialise({ kekId: keyring.activeKekId, wrapIv: wrap.iv, wrappedDek: wrap.ct, wrapTag: wrap.tag, ...data });
  } finally {
    dek.fill(0);
  }
}

/** Throws VaultDecryptError on any tampering, wrong key or a ref that does not match the seal. */
export function openSecret(keyring: Keyring, ref: SecretRef, sealed: string): string {
  const e = parse(sealed);
  const aad = aadOf(ref);
  const dek = gcmDecrypt(kekFor(keyring, e.kekId), e.wrapIv, e.wrappedDek, e.wrapTag, aad);
  try {
    return gcmDecrypt(dek, e.iv, e.ct, e.tag, aad).toString("utf8");
  } finally {
    dek.fill(0);
  }
}

/**
 * KEK rotation: unwrap the DEK with its old KEK and wrap it with the active one. The data layer
 * is untouched, so the value is never decrypted. Returns the input when already on the active key.
 */
export function rewrapSealed(keyring: Keyring, ref: SecretRef, sealed: string): string {
  const e = parse(sealed);
  if (e.kekId === keyring.activeKekId) return sealed;
  const aad = aadOf(ref);
  const dek = gcmDecrypt(kekFor(keyring, e.kekId), e.wrapIv, e.wrappedDek, e.wrapTag, aad);
  try {
    const wrap = gcmEncrypt(kekFor(keyring, keyring.activeKekId), dek, aad);
    return serialise({ ...e, kekId: keyring.activeKekId, wrapIv: wrap.iv, wrappedDek: wrap.ct, wrapTag: wrap.tag });
  } finally {
    dek.fill(0);
  }
}
