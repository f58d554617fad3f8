import { AppError } from "@galley/core";
import type { Git } from "./git-exec";
import { buildTree, commitTree, lsTree, treeOf, writeBlobs, type IndexUpdate } from "./objects";
import { casUpdateBranch, getHeadOrThrow, readHeads, ZERO_SHA } from "./refs";
import type { Author, CommitInput } from "./types";
import { assertAuthor, assertBranchName, assertMessage, assertSafePath, assertSha, assertTextContent } from "./validate";

const MAX_CHANGES = 2000;

interface Write {
  path: string;
  bytes: Buffer;
}

export async function commitFiles(git: Git, branch: string, input: CommitInput): Promise<string> {
  assertBranchName(branch);
  const message = assertMessage(input.message);
  const author = assertAuthor(input.author);
  const { writes, deletes } = validateChanges(input.changes);
  const head = await getHeadOrThrow(git, branch);
  if (input.expectedHead !== undefined && assertSha(input.expectedHead, "expectedHead") !== head) {
    throw new AppError("conflict", `Branch ${branch} has changed since you loaded it (now at ${head.slice(0, 7)}); reload and try again`, {
      field: "expectedHead",
      details: { head },
    });
  }
  const modes = await checkTreeShape(git, head, writes, deletes);
  const shas = await writeBlobs(git, writes.map((w) => w.bytes));
  const updates: IndexUpdate[] = [
    ...writes.map((w, i) => ({ path: w.path, mode: modes.get(w.path) ?? "100644", sha: shas[i] })),
    ...deletes.map((p) => ({ path: p, delete: true as const })),
  ];
  const [tree, headTree] = await Promise.all([buildTree(git, head, updates), treeOf(git, head)]);
  // Saving identical content is not an error (an editor's "save" without edits): nothing to commit.
  if (tree === headTree) return head;
  const commit = await commitTree(git, { tree, parents: [head], message, author });
  await casUpdateBranch(git, branch, commit, head, `galley: commit on ${branch}`);
  return commit;
}

function validateChanges(changes: unknown): { writes: Write[]; deletes: string[] } {
  if (!Array.isArray(changes) || changes.length === 0) throw new AppError("invalid_input", "A commit needs at least one change", { field: "changes" });
  if (changes.length > MAX_CHANGES) throw new AppError("payload_too_large", `A commit may change at most ${MAX_CHANGES} files`, { field: "changes" });
  const seen = new Set<string>();
  const writes: Write[] = [];
  const deletes: string[] = [];
  for (const c of changes as Array<{ path: unknown; content: unknown }>) {
    const p = assertSafePath(c?.path);
    if (seen.has(p)) throw new AppError("invalid_input", `${p} appears twice in one commit`, { field: p });
    seen.add(p);
    if (c.content === null) deletes.push(p);
    else writes.push({ path: p, bytes: assertTextContent(p, c.content) });
  }
  return { writes, deletes };
}

function parentDirs(p: string): string[] {
  const parts = p.split("/");
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join("/"));
}

/**
 * Rejects changes git's index would apply silently but wrongly: writing `a/b` where `a` is a file (the file would
 * vanish), writing a file where a folder is, deleting what does not exist. Returns existing modes to keep
 * executable bits.
 */
async function checkTreeShape(git: Git, head: string, writes: Write[], deletes: string[]): Promise<Map<string, string>> {
  const writePaths = new Set(writes.map((w) => w.path));
  const deleted = new Set(deletes);
  const dirs = new Set(writes.flatMap((w) => parentDirs(w.path)));
  for (const d of dirs) {
    if (writePaths.has(d)) throw new AppError("invalid_input", `${d} cannot be both a file and a folder`, { field: d });
  }
  const entries = await lsTree(git, head, { paths: [...writePaths, ...deletes, ...dirs] });
  const byPath = new Map(entries.map((e) => [e.path, e]));
  for (const p of deletes) {
    const e = byPath.get(p);
    if (!e) throw new AppError("not_found", `Cannot delete ${p}: it does not exist`, { field: p });
    if (e.type === "tree") throw new AppError("invalid_input", `Cannot delete ${p}: it is a folder; delete its files`, { field: p });
  }
  const modes = new Map<string, string>();
  for (const p of writePaths) {
    const e = byPath.get(p);
    if (e?.type === "tree") throw new AppError("invalid_input", `Cannot write ${p}: a folder with that name exists`, { field: p });
    if (e?.mode === "100755") modes.set(p, "100755");
  }
  for (const d of dirs) {
    const e = byPath.get(d);
    if (e && e.type !== "tree" && !deleted.has(d)) {
      throw new AppError("invalid_input", `Cannot create files under ${d}: it is a file, not a folder`, { field: d });
    }
  }
  return modes;
}

/** The first commit of a new branch (no parent). Fails with conflict when the branch exists. */
export async function seedBranch(git: Git, branch: string, files: Record<string, string>, author: Author, message: string): Promise<string> {
  assertBranchName(branch);
  const msg = assertMessage(message);
  const who = assertAuthor(author);
  const paths = Object.keys(files).map((p) => assertSafePath(p));
  const dirs = new Set(paths.flatMap(parentDirs));
  const clash = paths.find((p) => dirs.has(p));
  if (clash) throw new AppError("invalid_input", `${clash} cannot be both a file and a folder`, { field: clash });
  const bytes = paths.map((p) => assertTextContent(p, files[p]));
  if ((await readHeads(git, [branch]))[branch]) throw new AppError("conflict", `Branch ${branch} already exists`, { field: "branch" });
  const shas = await writeBlobs(git, bytes);
  const tree = await buildTree(git, null, paths.map((p, i) => ({ path: p, mode: "100644", sha: shas[i] })));
  const commit = await commitTree(git, { tree, parents: [], message: msg, author: who });
  await casUpdateBranch(git, branch, commit, ZERO_SHA, `galley: seed ${branch}`);
  return commit;
}
