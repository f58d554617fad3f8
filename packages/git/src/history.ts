import type { Git } from "./git-exec";
import { EMPTY_TREE } from "./objects";
import { LOG_FORMAT, parseLog, parseNameStatus, splitPatch } from "./parse";
import { assertCommitExists, getHeadOrThrow, getHeadsOrThrow, mergeBase } from "./refs";
import type { ChangedFile, CommitDetails, Comparison, FilePatch, LogEntry } from "./types";
import { assertSafePath, assertSha } from "./validate";

/** Per-file patch text beyond this is cut (a generated 50 MB CSV diff helps nobody in a browser). */
export const MAX_PATCH_CHARS = 256 * 1024;
/** Files beyond this many get no patch text (still listed). */
export const MAX_PATCH_FILES = 300;

export async function log(git: Git, branch: string, opts: { limit?: number; path?: string; firstParent?: boolean } = {}): Promise<LogEntry[]> {
  const head = await getHeadOrThrow(git, branch);
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 1000);
  const args = ["log", "-z", "--no-show-signature", `--format=${LOG_FORMAT}`, `-n${limit}`];
  if (opts.firstParent) args.push("--first-parent");
  args.push(head, "--");
  if (opts.path !== undefined) args.push(assertSafePath(opts.path.replace(/\/+$/, "")));
  return parseLog((await git.run(args)).stdout);
}

export async function showCommit(git: Git, sha: string): Promise<CommitDetails> {
  assertSha(sha);
  await assertCommitExists(git, sha);
  const out = await git.run(["log", "-1", "-z", "--no-show-signature", `--format=${LOG_FORMAT}`, sha, "--"]);
  const [entry] = parseLog(out.stdout);
  // A merge is shown against its first parent: what the merge brought into the branch.
  const { files, diff } = await diffBetween(git, entry.parents[0] ?? EMPTY_TREE, sha);
  const patches = new Map(diff.map((d) => [d.path, d]));
  return {
    ...entry,
    files: files.map((f) => ({ ...f, patch: patches.get(f.path)?.patch ?? "", ...(patches.get(f.path)?.truncated ? { truncated: true } : {}) })),
  };
}

/** Like a pull request: what head changed since it forked from base, and how far apart they are. */
export async function compare(git: Git, base: string, head: string): Promise<Comparison> {
  const h = await getHeadsOrThrow(git, { base, head });
  const [counts, mb] = await Promise.all([
    git.text(["rev-list", "--left-right", "--count", `${h.base}...${h.head}`]),
    mergeBase(git, h.base, h.head),
  ]);
  const [behind, ahead] = counts.split(/\s+/).map(Number);
  const { files, diff } = await diffBetween(git, mb ?? EMPTY_TREE, h.head);
  return { ahead, behind, mergeBase: mb, files, diff };
}

export async function diffNames(git: Git, from: string, to: string): Promise<ChangedFile[]> {
  const out = await git.run(["diff-tree", "-r", "-z", "--no-renames", "--name-status", from, to]);
  return parseNameStatus(out.stdout);
}

/** Changed files and their patches in two git processes. */
export async function diffBetween(git: Git, from: string, to: string): Promise<{ files: ChangedFile[]; diff: FilePatch[] }> {
  const [files, patchOut] = await Promise.all([
    diffNames(git, from, to),
    git.run(["-c", "core.quotePath=false", "diff-tree", "-r", "-p", "--no-renames", "--no-color", "--no-ext-diff", "--no-textconv", from, to]),
  ]);
  const chunks = splitPatch(patchOut.stdout.toString("utf8"));
  const diff = files.slice(0, MAX_PATCH_FILES).map((f) => {
    const chunk = chunks.get(f.path) ?? "";
    return chunk.length > MAX_PATCH_CHARS ? { path: f.path, patch: chunk.slice(0, MAX_PATCH_CHARS), truncated: true } : { path: f.path, patch: chunk };
  });
  return { files, diff };
}
