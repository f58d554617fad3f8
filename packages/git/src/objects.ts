import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Git } from "./git-exec";
import { parseCatFileBatch, parseLsTree, type TreeEntry } from "./parse";
import type { Author } from "./types";

/** Git's well-known empty tree (sha1 repositories); git treats it as always present. */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** Entries of `paths` (exact, not recursive) or of the whole tree (recursive) when paths is omitted. */
export async function lsTree(git: Git, treeish: string, opts: { paths?: string[]; recursive?: boolean } = {}): Promise<TreeEntry[]> {
  if (opts.paths && opts.paths.length === 0) return [];
  const args = ["ls-tree", "-z", "-l", "--full-tree"];
  if (opts.recursive) args.push("-r");
  args.push(treeish);
  if (opts.paths) args.push("--", ...opts.paths);
  return parseLsTree((await git.run(args)).stdout);
}

/** Reads blobs in one `cat-file --batch`; the result follows the order of `shas` (duplicates allowed). */
export async function readBlobs(git: Git, shas: string[]): Promise<Buffer[]> {
  if (shas.length === 0) return [];
  const out = await git.run(["cat-file", "--batch"], { input: shas.join("\n") + "\n" });
  return parseCatFileBatch(out.stdout).map((o, i) => {
    if (!o) throw new Error(`object ${shas[i]} is missing`);
    return o.content;
  });
}

/**
 * Writes blobs and returns their shas. One file: `hash-object --stdin`. Several: temp files and one
 * `hash-object --stdin-paths`, so a 100-file commit costs one git process instead of a hundred.
 */
export async function writeBlobs(git: Git, contents: Buffer[]): Promise<string[]> {
  if (contents.length === 0) return [];
  if (contents.length === 1) return [await git.text(["hash-object", "-w", "--no-filters", "--stdin"], { input: contents[0] })];
  const dir = await mkdtemp(path.join(tmpdir(), "galley-blobs-"));
  try {
    const files = contents.map((_, i) => path.join(dir, String(i)));
    await Promise.all(files.map((f, i) => writeFile(f, contents[i])));
    const out = await git.text(["hash-object", "-w", "--no-filters", "--stdin-paths"], { input: files.join("\n") + "\n" });
    return out.split("\n");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export type IndexUpdate = { path: string; mode: string; sha: string } | { path: string; delete: true };

/**
 * Builds a tree from `baseTree` plus updates in a private temporary index (GIT_INDEX_FILE), so concurrent writers
 * never share an index and no worktree exists. Callers must check file/folder clashes first: `--index-info` silently
 * replaces a file `a` when `a/b` is added.
 */
export async function buildTree(git: Git, baseTree: string | null, updates: IndexUpdate[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "galley-index-"));
  const env = { GIT_INDEX_FILE: path.join(dir, "index") };
  try {
    if (baseTree) await git.run(["read-tree", baseTree], { env });
    if (updates.length > 0) {
      const lines = updates.map((u) => ("delete" in u ? `0 ${"0".repeat(40)}\t${u.path}\0` : `${u.mode} ${u.sha}\t${u.path}\0`));
      await git.run(["update-index", "-z", "--index-info"], { env, input: lines.join("") });
    }
    return await git.text(["write-tree"], { env });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface CommitMeta {
  tree: string;
  parents: string[];
  message: string;
  author: Author;
  /** Fixed dates make synthetic commits (used only as merge inputs) identical across calls. */
  date?: string;
}

/** The committer is the repository's configured identity (Galley); the author is the person. */
export async function commitTree(git: Git, meta: CommitMeta): Promise<string> {
  const env: Record<string, string> = { GIT_AUTHOR_NAME: meta.author.name, GIT_AUTHOR_EMAIL: meta.author.email };
  if (meta.date) Object.assign(env, { GIT_AUTHOR_DATE: meta.date, GIT_COMMITTER_DATE: meta.date });
  const args = ["commit-tree", meta.tree, ...meta.parents.flatMap((p) => ["-p", p]), "-F", "-"];
  return git.text(args, { env, input: meta.message });
}

export async function treeOf(git: Git, commit: string): Promise<string> {
  return git.text(["rev-parse", `${commit}^{tree}`]);
}

export interface CommitInfo {
  tree: string;
  parents: string[];
  subject: string;
}

export async function commitInfo(git: Git, sha: string): Promise<CommitInfo> {
  const out = await git.text(["log", "-1", "--no-show-signature", "--format=%T%x00%P%x00%s", sha, "--"]);
  const [tree, parents, subject] = out.split("\0");
  return { tree, parents: parents ? parents.split(" ") : [], subject };
}
