import { AppError } from "@galley/core";
import { Git, GitCommandError } from "./git-exec";
import { assertBranchName } from "./validate";

export const ZERO_SHA = "0000000000000000000000000000000000000000";

/** Current head of each branch, or null when it does not exist. One `for-each-ref` for any number of branches. */
export async function readHeads(git: Git, branches: string[]): Promise<Record<string, string | null>> {
  const refs = branches.map((b) => `refs/heads/${assertBranchName(b)}`);
  const out = await git.text(["for-each-ref", "--format=%(objectname) %(refname)", ...refs]);
  const found = new Map<string, string>();
  for (const line of out.split("\n")) {
    if (!line) continue;
    const sp = line.indexOf(" ");
    found.set(line.slice(sp + 1), line.slice(0, sp));
  }
  // for-each-ref patterns also match refs below them (refs/heads/a matches refs/heads/a/b): keep exact names only.
  return Object.fromEntries(branches.map((b) => [b, found.get(`refs/heads/${b}`) ?? null]));
}

export async function getHeadOrThrow(git: Git, branch: string, field = "branch"): Promise<string> {
  assertBranchName(branch, field);
  const heads = await readHeads(git, [branch]);
  const head = heads[branch];
  if (!head) throw new AppError("not_found", `Branch ${branch} does not exist`, { field });
  return head;
}

/** Heads of several branches at once; not_found names the first missing one. */
export async function getHeadsOrThrow(git: Git, named: Record<string, string>): Promise<Record<string, string>> {
  for (const [field, b] of Object.entries(named)) assertBranchName(b, field);
  const heads = await readHeads(git, Object.values(named));
  const result: Record<string, string> = {};
  for (const [field, b] of Object.entries(named)) {
    const h = heads[b];
    if (!h) throw new AppError("not_found", `Branch ${b} does not exist`, { field });
    result[field] = h;
  }
  return result;
}

/**
 * Moves a branch by compare-and-swap: git locks the ref and checks its current value, so of two concurrent writers
 * that read the same old head exactly one succeeds and the other gets `conflict`. `oldSha` ZERO_SHA means "must not
 * exist"; `newSha` ZERO_SHA deletes.
 */
export async function casUpdateBranch(git: Git, branch: string, newSha: string, oldSha: string, reason: string): Promise<void> {
  assertBranchName(branch);
  const ref = `refs/heads/${branch}`;
  const args =
    newSha === ZERO_SHA ? ["update-ref", "-m", reason, "-d", "--end-of-options", ref, oldSha] : ["update-ref", "-m", reason, "--end-of-options", ref, newSha, oldSha];
  try {
    await git.run(args);
  } catch (e) {
    if (!(e instanceof GitCommandError)) throw e;
    throw refUpdateError(branch, oldSha, e);
  }
}

function refUpdateError(branch: string, oldSha: string, e: GitCommandError): AppError {
  const err = e.stderr;
  if (oldSha === ZERO_SHA && /reference already exists|exists; cannot create|already exists/.test(err)) {
    const clash = /'refs\/heads\/([^']+)' exists; cannot create/.exec(err);
    const msg = clash && clash[1] !== branch ? `Branch ${branch} cannot be created because branch ${clash[1]} exists` : `Branch ${branch} already exists`;
    return new AppError("conflict", msg, { field: "branch", cause: e });
  }
  if (/but expected|is at|unable to resolve reference|cannot lock ref/.test(err)) {
    return new AppError("conflict", `Branch ${branch} was changed by someone else at the same time; reload and try again`, {
      field: "branch",
      cause: e,
    });
  }
  return new AppError("internal", `Could not update branch ${branch}`, { cause: e });
}

/** Merge base of two commits, or null for unrelated histories. */
export async function mergeBase(git: Git, a: string, b: string): Promise<string | null> {
  const r = await git.run(["merge-base", a, b], { okCodes: [0, 1] });
  return r.code === 0 ? r.stdout.toString("utf8").trim() : null;
}

export async function isAncestor(git: Git, ancestor: string, descendant: string): Promise<boolean> {
  const r = await git.run(["merge-base", "--is-ancestor", ancestor, descendant], { okCodes: [0, 1] });
  return r.code === 0;
}

/** Resolves a full sha to a commit, failing with not_found when the object is missing or not a commit. */
export async function assertCommitExists(git: Git, sha: string, field = "sha"): Promise<void> {
  const r = await git.run(["cat-file", "-t", sha], { okCodes: [0, 128] });
  if (r.code !== 0 || r.stdout.toString().trim() !== "commit") throw new AppError("not_found", `Commit ${sha} does not exist`, { field });
}
