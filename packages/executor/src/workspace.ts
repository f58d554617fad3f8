import { constants } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, open, realpath, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { AppError, redactText } from "@galley/core";

export const DEFAULT_OUTPUTS_FILE = "outputs.json";
export const MAX_OUTPUTS_BYTES = 1024 * 1024;
/** Every node's temp dirs start with this, so a restarted worker can recognise leftovers. */
export const WORKSPACE_PREFIX = "galley-exec-";

export interface Workspace {
  root: string;
  /** Read-write scratch dir; the node writes its outputs file here. */
  work: string;
  /** The node's branch files, read-only to the node. */
  files: string;
}

/** A relative path that stays inside its directory: no absolute path, no `..`, no NUL. */
export function safeRelativePath(p: string, field: string): string {
  const normalized = path.posix.normalize(p.replace(/\\/g, "/"));
  if (!p || p.includes("\0") || path.posix.isAbsolute(normalized) || normalized === "." || normalized.split("/").includes("..")) {
    throw new AppError("invalid_input", `${field} must be a relative path inside the node's directory, got ${JSON.stringify(p)}`, { field });
  }
  return normalized;
}

/**
 * Makes the node's two dirs under a fresh 0700 root. `owner` (the container's uid) gets the
 * work dir; where we may not chown (not root), the work dir is made world-writable instead.
 */
export async function createWorkspace(
  tmpDir: string,
  files: { path: string; content: string }[],
  owner?: { uid: number; gid: number },
): Promise<Workspace> {
  const rel = files.map((f) => safeRelativePath(f.path, `files[${JSON.stringify(f.path)}]`));
  const root = await mkdtemp(path.join(tmpDir, WORKSPACE_PREFIX));
  const ws = { root, work: path.join(root, "work"), files: path.join(root, "files") };
  try {
    await mkdir(ws.work, { mode: 0o755 });
    await mkdir(ws.files, { mode: 0o755 });
    for (let i = 0; i < files.length; i++) {
      const target = path.join(ws.files, rel[i]);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
      await writeFile(target, files[i].content, { mode: 0o644 });
    }
    if (owner) await giveWorkDir(ws.work, owner);
    return ws;
  } catch (err) {
    await removeWorkspace(ws);
    throw err;
  }
}

async function giveWorkDir(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  try {
    await chown(dir, owner.uid, owner.gid);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") throw err;
    await chmod(dir, 0o777);
  }
}

export async function removeWorkspace(ws: Pick<Workspace, "root">): Promise<void> {
  // rm never follows symlinks the node may have planted; it unlinks them.
  await rm(ws.root, { recursive: true, force: true, maxRetries: 2 }).catch(() => {});
}

export type OutputsRead = { ok: true; outputs: Record<string, unknown> } | { ok: false; error: string };

/**
 * Reads the node's outputs file. The node controls the work dir, so the file may be a symlink
 * to a host file: the real path must stay inside the work dir and the last component is opened
 * with O_NOFOLLOW. A missing file means no outputs. String values are redacted.
 */
export async function readOutputs(workDir: string, outputsFile: string, secrets: readonly string[]): Promise<OutputsRead> {
  const name = outputsFile;
  const target = path.join(workDir, outputsFile);
  let real: string;
  try {
    real = await realpath(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { ok: true, outputs: {} };
    return { ok: false, error: `cannot read outputs file ${name}: ${(err as Error).message}` };
  }
  const base = await realpath(workDir);
  if (!real.startsWith(base + path.sep)) return { ok: false, error: `outputs file ${name} points outside the work directory` };
  let text: string;
  try {
    const fh = await open(target, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const st = await fh.stat();
      if (!st.isFile()) return { ok: false, error: `outputs file ${name} is not a regular file` };
      if (st.size > MAX_OUTPUTS_BYTES) return { ok: false, error: `outputs file ${name} is larger than ${MAX_OUTPUTS_BYTES / 1024} KiB` };
      text = await fh.readFile("utf8");
    } finally {
      await fh.close();
    }
  } catch (err) {
    return { ok: false, error: `cannot read outputs file ${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  if (text.trim() === "") return { ok: true, outputs: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `outputs file ${name} is not valid JSON${jsonErrorWhere(text, (err as Error).message)}` };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { ok: false, error: `outputs file ${name} must hold a JSON object, got ${Array.isArray(parsed) ? "an array" : typeof parsed}` };
  }
  return { ok: true, outputs: redactDeep(parsed, secrets) as Record<string, unknown> };
}

/**
 * Where JSON.parse failed, never what it read: its messages quote the file ("Unexpected token
 * 'C', "CANARY-7f3"... is not valid JSON"), and a secret cut in two escapes redaction.
 */
export function jsonErrorWhere(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return "";
  const before = text.slice(0, Number(m[1]));
  const line = before.split("\n").length;
  return ` (line ${line}, column ${before.length - before.lastIndexOf("\n")})`;
}

function redactDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === "string") return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redactText(k, secrets)] = redactDeep(v, secrets);
    return out;
  }
  return value;
}
