import { AppError } from "@galley/core";
import { GitCommandError, type Git } from "./git-exec";
import { lsTree, readBlobs } from "./objects";
import { parseMergeTree, type MergeTreeMessage, type MergeTreeOutput } from "./parse";
import type { MergeConflict } from "./types";
import { looksBinary } from "./validate";

export interface MergeTreeResult extends MergeTreeOutput {
  /** Every path with conflict stages, in git's order. */
  conflictPaths: string[];
  /** git reported a conflict that has no index stages (rare: e.g. directory rename splits). */
  conflictMessages: MergeTreeMessage[];
}

/**
 * Merges `theirs` into `ours` without a worktree (`git merge-tree --write-tree`, git >= 2.38). The tree is written
 * even on conflicts, with marker text in conflicted files; nothing moves until a ref is updated.
 */
export async function runMergeTree(git: Git, ours: string, theirs: string): Promise<MergeTreeResult> {
  let out;
  try {
    out = await git.run(["merge-tree", "--write-tree", "-z", "--messages", ours, theirs], { okCodes: [0, 1] });
  } catch (e) {
    if (e instanceof GitCommandError && /unrelated histories/.test(e.stderr)) {
      throw new AppError("invalid_input", "These branches share no history and cannot be merged", { cause: e });
    }
    throw e;
  }
  const parsed = parseMergeTree(out.stdout);
  const conflictPaths = [...new Set(parsed.stages.map((s) => s.path))];
  const conflictMessages =
    out.code === 1 && conflictPaths.length === 0 ? parsed.messages.filter((m) => m.type.startsWith("CONFLICT")) : [];
  if (out.code === 1 && conflictPaths.length === 0 && conflictMessages.length === 0) {
    conflictMessages.push({ paths: [], type: "CONFLICT", message: "git reported a conflict it did not describe" });
  }
  return { ...parsed, conflictPaths, conflictMessages };
}

/** Shas in `<<<<<<< sha` / `>>>>>>> sha[:path]` marker lines become branch names, as a person expects to read. */
function relabel(text: string, ours: { sha: string; label: string }, theirs: { sha: string; label: string }): string {
  return text
    .replace(new RegExp(`^<<<<<<< ${ours.sha}`, "gm"), `<<<<<<< ${ours.label}`)
    .replace(new RegExp(`^>>>>>>> ${theirs.sha}`, "gm"), `>>>>>>> ${theirs.label}`);
}

/** Base/ours/theirs and git's marker text for each conflicted path: one ls-tree and one cat-file in total. */
export async function conflictDetails(
  git: Git,
  mt: MergeTreeResult,
  ours: { sha: string; label: string },
  theirs: { sha: string; label: string },
): Promise<MergeConflict[]> {
  if (mt.conflictPaths.length === 0) return [];
  const mergedEntries = await lsTree(git, mt.tree, { paths: mt.conflictPaths });
  const mergedByPath = new Map(mergedEntries.filter((e) => e.type === "blob").map((e) => [e.path, e.sha]));
  // Submodule stages name commits that are not in this repository; they have no text to show.
  const shas = new Set<string>([...mt.stages.filter((s) => s.mode !== "160000").map((s) => s.sha), ...mergedByPath.values()]);
  const list = [...shas];
  const blobs = await readBlobs(git, list);
  const content = new Map(list.map((sha, i) => [sha, blobs[i]]));
  return mt.conflictPaths.map((path) => {
    const stageSha = (n: number) => mt.stages.find((s) => s.path === path && s.stage === n)?.sha;
    const raw = [stageSha(1), stageSha(2), stageSha(3), mergedByPath.get(path)].map((sha) => (sha ? (content.get(sha) ?? null) : null));
    const isBinary = raw.some((b) => b !== null && looksBinary(b));
    const [base, oursText, theirsText, merged] = raw.map((b) => (b === null ? null : isBinary ? "" : b.toString("utf8")));
    return {
      path,
      base,
      ours: oursText,
      theirs: theirsText,
      merged: merged === null || isBinary ? merged : relabel(merged, ours, theirs),
      isBinary,
    };
  });
}
