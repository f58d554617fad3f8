// The worker's credential at start: from GALLEY_WORKER_CREDENTIAL, else the credential file; a
// control-plane worker (`--role all`, which holds the data directory and its key file anyway)
// issues itself one on first start, like the key file, so the single-host demo needs no set-up.
// A worker host (`--role nodes`) never issues one: an admin does, on the Workers page.
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Config } from "@galley/core";
import type { Db } from "@galley/db";
import type { Keyring } from "@galley/vault";
import { discardUnusedWorkerCredential, issueWorkerCredential } from "@galley/workers";

export class CredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CredentialError";
  }
}

function readCredentialFile(file: string): string | null {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  // Like the key file: a credential others can read is treated as leaked configuration.
  if ((mode & 0o077) !== 0) throw new CredentialError(`${file} is readable by group or others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${file}`);
  return readFileSync(file, "utf8").trim();
}

/** The token this worker starts with, issuing one first when it is the control plane's and has none. */
export async function workerToken(config: Config, deps: { db: Db; keyring: Keyring | null }): Promise<string> {
  if (config.GALLEY_WORKER_CREDENTIAL?.trim()) return config.GALLEY_WORKER_CREDENTIAL.trim();
  const file = config.workerCredentialFile;
  const existing = readCredentialFile(file);
  if (existing) return existing;
  if (config.GALLEY_WORKER_ROLE !== "all" || !deps.keyring) {
    throw new CredentialError(`no worker credential: set GALLEY_WORKER_CREDENTIAL (or GALLEY_WORKER_CREDENTIAL_FILE, default ${file}) to a credential an admin issued for pool ${config.GALLEY_WORKER_POOL} on the Workers page (/admin/workers)`);
  }
  const issued = await issueWorkerCredential({ db: deps.db, keyring: deps.keyring }, { pool: config.GALLEY_WORKER_POOL, name: `control plane ${os.hostname()}`, actorId: null });
  // Written whole to a temporary file, then linked: workers starting together on one data
  // directory see either no file or the complete one, and exactly one link wins.
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = path.join(path.dirname(file), `.worker-credential.${randomBytes(4).toString("hex")}`);
  writeFileSync(tmp, issued.token + "\n", { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    await discardUnusedWorkerCredential({ db: deps.db }, issued.id);
  } finally {
    unlinkSync(tmp);
  }
  return readCredentialFile(file) ?? issued.token;
}
