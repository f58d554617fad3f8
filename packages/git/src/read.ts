import { AppError } from "@galley/core";
import type { Git } from "./git-exec";
import { lsTree, readBlobs } from "./objects";
import type { TreeEntry } from "./parse";
import { assertCommitExists, getHeadOrThrow } from "./refs";
import type { FileContent, FileEntry, SkippedFile, TextFile } from "./types";
import { assertSafePath, looksBinary, MAX_FILE_BYTES } from "./validate";

/** Larger blobs (only a push can create them) are not loaded into memory by readFile. */
export const MAX_READ_BYTES = 10 * MAX_FILE_BYTES;

export async function listFiles(git: Git, branch: string, opts: { prefix?: string } = {}): Promise<FileEntry[]> {
  const head = await getHeadOrThrow(git, branch);
  const entries = await listEntries(git, head, opts.prefix);
  return entries.map((e) => ({ path: e.path, size: Math.max(e.size, 0), mode: e.mode }));
}

async function listEntries(git: Git, head: string, rawPrefix: string | undefined): Promise<TreeEntry[]> {
  const prefix = rawPrefix?.replace(/\/+$/, "");
  if (prefix) assertSafePath(prefix, "prefix");
  const entries = await lsTree(git, head, { recursive: true, paths: prefix ? [prefix] : undefined });
  return entries.filter((e) => !prefix || e.path === prefix || e.path.startsWith(prefix + "/"));
}

/** Refuses what is not a regular file: git stores a symlink's target as its content, and following it is unsafe. */
function assertRegularFile(e: TreeEntry | undefined, p: string, branch: string): TreeEntry {
  if (!e) throw new AppError("not_found", `${p} does not exist on branch ${branch}`, { field: "path" });
  if (e.mode === "120000") throw new AppError("invalid_input", `${p} is a symbolic link; Galley does not follow links`, { field: "path" });
  if (e.type === "tree") throw new AppError("invalid_input", `${p} is a folder, not a file`, { field: "path" });
  if (e.type !== "blob") throw new AppError("invalid_input", `${p} is a submodule, not a file`, { field: "path" });
  if (e.size > MAX_READ_BYTES) {
    throw new AppError("payload_too_large", `${p} is ${e.size} bytes; files over ${MAX_READ_BYTES} bytes cannot be opened here`, { field: "path" });
  }
  return e;
}

function toContent(e: TreeEntry, buf: Buffer): FileContent {
  const isBinary = looksBinary(buf);
  return { content: isBinary ? "" : buf.toString("utf8"), isBinary, size: buf.length, blobSha: e.sha };
}

export async function readFile(git: Git, branch: string, p: string): Promise<FileContent> {
  assertSafePath(p);
  const head = await getHeadOrThrow(git, branch);
  const [entry] = await lsTree(git, head, { paths: [p] });
  const e = assertRegularFile(entry?.path === p ? entry : undefined, p, branch);
  const [buf] = await readBlobs(git, [e.sha]);
  return toContent(e, buf);
}

/** Several files in two git processes; missing paths map to null, links and folders are refused as in readFile. */
export async function readFiles(git: Git, branch: string, paths: string[]): Promise<Record<string, FileContent | null>> {
  paths.forEach((p) => assertSafePath(p));
  const head = await getHeadOrThrow(git, branch);
  const byPath = new Map((await lsTree(git, head, { paths })).map((e) => [e.path, e]));
  const wanted = [...new Set(paths)].filter((p) => byPath.has(p)).map((p) => assertRegularFile(byPath.get(p), p, branch));
  const blobs = await readBlobs(git, wanted.map((e) => e.sha));
  const result: Record<string, FileContent | null> = Object.fromEntries(paths.map((p) => [p, null]));
  wanted.forEach((e, i) => (result[e.path] = toContent(e, blobs[i])));
  return result;
}

const FULL_SHA = /^[0-9a-f]{40}$/;

/**
 * Every text file under `prefix` (e.g. all pipeline definitions) in two git processes. Links, submodules, binary
 * and over-limit files are listed in `skipped` rather than failing the whole load.
 */
export async function readAllTextFiles(git: Git, branch: string, prefix = ""): Promise<{ files: TextFile[]; skipped: SkippedFile[] }> {
  // A run reads its pipeline at the commit it was planned from, not at the moving branch head.
  const head = FULL_SHA.test(branch) ? (await assertCommitExists(git, branch, "commit"), branch) : await getHeadOrThrow(git, branch);
  const entries = await listEntries(git, head, prefix || undefined);
  const skipped: SkippedFile[] = [];
  const candidates = entries.filter((e) => {
    const reason = e.mode === "120000" ? "symlink" : e.type !== "blob" ? "submodule" : e.size > MAX_FILE_BYTES ? "too_large" : null;
    if (reason) skipped.push({ path: e.path, reason });
    return !reason;
  });
  const blobs = await readBlobs(git, candidates.map((e) => e.sha));
  const files: TextFile[] = [];
  candidates.forEach((e, i) => {
    if (looksBinary(blobs[i])) skipped.push({ path: e.path, reason: "binary" });
    else files.push({ path: e.path, content: blobs[i].toString("utf8"), blobSha: e.sha });
  });
  return { files, skipped };
}
