import { AppError } from "@galley/core";
import type { Git } from "./git-exec";
import { runMergeTree } from "./merge-tree";
import { commitInfo, commitTree, EMPTY_TREE } from "./objects";
import { assertCommitExists, casUpdateBranch, getHeadOrThrow, isAncestor } from "./refs";
import type { RevertInput } from "./types";
import { assertAuthor, assertMessage, assertSha } from "./validate";

const SYNTHETIC = { author: { name: "Galley", email: "galley@localhost" }, date: "@0 +0000" };

/**
 * A new commit on `branch` that undoes one commit (the head by default). A merge commit is undone relative to its
 * first parent, i.e. everything the merge brought in goes. Reverting an older commit is a three-way merge with
 * base = the commit, ours = head, theirs = the commit's parent, so later work survives; a clash is `conflict`.
 */
export async function revert(git: Git, branch: string, input: RevertInput): Promise<string> {
  const author = assertAuthor(input.author);
  const head = await getHeadOrThrow(git, branch);
  if (input.expectedHead !== undefined && assertSha(input.expectedHead, "expectedHead") !== head) {
    throw new AppError("conflict", `Branch ${branch} has changed (now at ${head.slice(0, 7)}); reload and try again`, { field: "expectedHead" });
  }
  const target = input.sha === undefined ? head : assertSha(input.sha);
  if (target !== head) {
    await assertCommitExists(git, target);
    if (!(await isAncestor(git, target, head))) {
      throw new AppError("invalid_input", `Commit ${target.slice(0, 7)} is not on branch ${branch}`, { field: "sha" });
    }
  }
  const [info, headInfo] = await Promise.all([commitInfo(git, target), commitInfo(git, head)]);
  const parentTree = info.parents.length > 0 ? (await commitInfo(git, info.parents[0])).tree : EMPTY_TREE;
  const tree = target === head ? parentTree : await threeWayRevert(git, info.tree, headInfo.tree, parentTree, target);
  if (tree === headInfo.tree) {
    throw new AppError("invalid_input", `Nothing to revert: the changes of ${target.slice(0, 7)} are no longer on ${branch}`, { field: "sha" });
  }
  const message = assertMessage(input.message ?? `Revert "${info.subject}"\n\nThis reverts commit ${target}.`);
  const commit = await commitTree(git, { tree, parents: [head], message, author });
  await casUpdateBranch(git, branch, commit, head, `galley: revert ${target} on ${branch}`);
  return commit;
}

/**
 * git 2.39's merge-tree has no --merge-base option, so the base is imposed through history: three synthetic commits
 * (fixed identity and date, so repeated calls write identical objects) where ours and theirs both descend from base.
 * They stay unreferenced and are pruned by gc.
 */
async function threeWayRevert(git: Git, baseTree: string, oursTree: string, theirsTree: string, target: string): Promise<string> {
  const base = await commitTree(git, { tree: baseTree, parents: [], message: "galley revert base\n", ...SYNTHETIC });
  const [ours, theirs] = await Promise.all([
    commitTree(git, { tree: oursTree, parents: [base], message: "galley revert ours\n", ...SYNTHETIC }),
    commitTree(git, { tree: theirsTree, parents: [base], message: "galley revert theirs\n", ...SYNTHETIC }),
  ]);
  const mt = await runMergeTree(git, ours, theirs);
  const paths = [...mt.conflictPaths, ...mt.conflictMessages.flatMap((m) => m.paths)];
  if (paths.length > 0 || mt.conflictMessages.length > 0) {
    throw new AppError("conflict", `Cannot revert ${target.slice(0, 7)} automatically: later changes touch ${paths.join(", ") || "the same files"}`, {
      field: "sha",
      details: { paths },
    });
  }
  return mt.tree;
}
