import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@galley/core";
import { commitFiles, seedBranch } from "./commit";
import { Git, runProcess, baseGitEnv } from "./git-exec";
import { compare, log, showCommit } from "./history";
import { merge, mergePreview } from "./merge";
import { listFiles, readAllTextFiles, readFile, readFiles } from "./read";
import { assertCommitExists, casUpdateBranch, getHeadOrThrow, isAncestor, readHeads, ZERO_SHA } from "./refs";
import { revert } from "./revert";
import type { Author, CommitInput, MergeDrivers, MergeInput, RevertInput } from "./types";
import { assertBranchName, assertSha } from "./validate";

export interface RepoOptions {
  /** Files merged by their format when git's line merge conflicts (see MergeDriver). */
  mergeDrivers?: MergeDrivers;
}

export interface InitOptions extends RepoOptions {
  defaultBranch: string;
  /** Committer of every commit Galley writes (authors are the people). */
  committer?: Author;
}

/** Hooks stay off: nothing pushed or configured can make the server run code. */
const HOOKS_DIR = "galley-no-hooks";

/**
 * Galley's analytics repository: one bare repository, one branch per Kitchen. Every operation uses plumbing with a
 * private temporary index and moves branches only by compare-and-swap, so concurrent requests never share state and
 * a branch is never half-updated.
 */
export class AnalyticsRepo {
  readonly git: Git;

  private readonly mergeDrivers: MergeDrivers;

  constructor(readonly dir: string, opts: RepoOptions = {}) {
    this.git = new Git(dir);
    this.mergeDrivers = opts.mergeDrivers ?? {};
  }

  /** Creates (or re-applies settings to) the bare repository at `dir`. Safe to call on every boot. */
  static async init(dir: string, opts: InitOptions): Promise<AnalyticsRepo> {
    assertBranchName(opts.defaultBranch, "defaultBranch");
    const abs = path.resolve(dir);
    await mkdir(abs, { recursive: true });
    await retryConfigLock(() =>
      runProcess("git", ["init", "--quiet", "--bare", `--initial-branch=${opts.defaultBranch}`, "--", abs], {
        cwd: abs,
        env: baseGitEnv(),
      }),
    );
    const repo = new AnalyticsRepo(abs, opts);
    await mkdir(path.join(abs, HOOKS_DIR), { recursive: true });
    const who = opts.committer ?? { name: "Galley", email: "galley@localhost" };
    const settings: Array<[string, string]> = [
      ["core.hooksPath", path.join(abs, HOOKS_DIR)],
      ["core.logAllRefUpdates", "true"],
      ["receive.denyNonFastForwards", "true"],
      ["receive.denyDeletes", "true"],
      ["receive.fsckObjects", "true"],
      // fsck flags tree entries git reads as `.git` on macOS or Windows (`.g\u200cit`, `GIT~1`, `.git.`,
      // `.git::$INDEX_ALLOCATION`) only as warnings; a push carrying one is refused instead.
      ["receive.fsck.hasDotgit", "error"],
      ["receive.fsck.hasDot", "error"],
      ["receive.fsck.hasDotdot", "error"],
      ["receive.fsck.fullPathname", "error"],
      ["receive.fsck.emptyName", "error"],
      ["core.protectHFS", "true"],
      ["core.protectNTFS", "true"],
      ["http.receivepack", "true"],
      ["uploadpack.allowFilter", "true"],
      ["user.name", who.name],
      ["user.email", who.email],
    ];
    for (const [k, v] of settings) await retryConfigLock(() => repo.git.run(["config", "--", k, v]));
    return repo;
  }

  /** Opens an existing repository; not_found when `dir` is not one. */
  static async open(dir: string, opts: RepoOptions = {}): Promise<AnalyticsRepo> {
    const abs = path.resolve(dir);
    const isRepo = await stat(path.join(abs, "objects")).then((s) => s.isDirectory(), () => false);
    if (!isRepo) throw new AppError("not_found", `No git repository at ${abs}`);
    return new AnalyticsRepo(abs, opts);
  }

  seed(branch: string, files: Record<string, string>, author: Author, message: string) {
    return seedBranch(this.git, branch, files, author, message);
  }

  async branchExists(branch: string): Promise<boolean> {
    assertBranchName(branch);
    return (await readHeads(this.git, [branch]))[branch] !== null;
  }

  headOf(branch: string): Promise<string> {
    return getHeadOrThrow(this.git, branch);
  }

  async listBranches(): Promise<Array<{ name: string; head: string }>> {
    const out = await this.git.text(["for-each-ref", "--format=%(objectname) %(refname:strip=2)", "refs/heads/"]);
    return out
      .split("\n")
      .filter(Boolean)
      .map((l) => ({ head: l.slice(0, 40), name: l.slice(41) }));
  }

  /** New branch at `fromBranch`'s head (or at `fromSha`); conflict when it exists. */
  async createBranch(name: string, fromBranch: string, opts: { fromSha?: string } = {}): Promise<string> {
    assertBranchName(name, "name");
    const head = opts.fromSha ? assertSha(opts.fromSha, "fromSha") : await getHeadOrThrow(this.git, fromBranch, "fromBranch");
    if (opts.fromSha) await assertCommitExists(this.git, head, "fromSha");
    await casUpdateBranch(this.git, name, head, ZERO_SHA, `galley: create ${name} from ${fromBranch}`);
    return head;
  }

  /** Deletes a branch (history stays reachable from other branches). The default branch cannot be deleted. */
  async deleteBranch(name: string, opts: { expectedHead?: string } = {}): Promise<void> {
    const head = await getHeadOrThrow(this.git, name, "name");
    const defaultRef = await this.git.text(["symbolic-ref", "--quiet", "HEAD"]).catch(() => "");
    if (defaultRef === `refs/heads/${name}`) throw new AppError("invalid_input", `${name} is the default branch and cannot be deleted`, { field: "name" });
    if (opts.expectedHead !== undefined && assertSha(opts.expectedHead, "expectedHead") !== head) {
      throw new AppError("conflict", `Branch ${name} has new commits; reload before deleting it`, { field: "expectedHead" });
    }
    await casUpdateBranch(this.git, name, ZERO_SHA, head, `galley: delete ${name}`);
  }

  listFiles(branch: string, opts: { prefix?: string } = {}) {
    return listFiles(this.git, branch, opts);
  }

  readFile(branch: string, filePath: string) {
    return readFile(this.git, branch, filePath);
  }

  readFiles(branch: string, paths: string[]) {
    return readFiles(this.git, branch, paths);
  }

  readAllTextFiles(branch: string, prefix = "") {
    return readAllTextFiles(this.git, branch, prefix);
  }

  commitFiles(branch: string, input: CommitInput) {
    return commitFiles(this.git, branch, input);
  }

  log(branch: string, opts: { limit?: number; path?: string; firstParent?: boolean } = {}) {
    return log(this.git, branch, opts);
  }

  showCommit(sha: string) {
    return showCommit(this.git, sha);
  }

  /**
   * Whether commit `sha` is in `branch`'s history. False for a missing object or a non-commit: callers
   * answer both the same way, so a probe cannot tell "exists elsewhere" from "does not exist".
   */
  async isReachableFrom(sha: string, branch: string): Promise<boolean> {
    assertSha(sha);
    const head = await getHeadOrThrow(this.git, branch);
    const type = await this.git.run(["cat-file", "-t", sha], { okCodes: [0, 128] });
    if (type.code !== 0 || type.stdout.toString().trim() !== "commit") return false;
    return isAncestor(this.git, sha, head);
  }

  compare(base: string, head: string) {
    return compare(this.git, base, head);
  }

  mergePreview(source: string, target: string) {
    return mergePreview(this.git, source, target, this.mergeDrivers);
  }

  merge(source: string, target: string, input: MergeInput) {
    return merge(this.git, source, target, input, this.mergeDrivers);
  }

  revert(branch: string, input: RevertInput) {
    return revert(this.git, branch, input);
  }

  /** Packs loose objects when git thinks it worthwhile; call from a periodic job, not per request. */
  async maintain(): Promise<void> {
    await this.git.run(["gc", "--auto", "--quiet"]);
  }
}

/**
 * `git init` and `git config` take the config file's lock (and init copies templates); two
 * processes initialising one repository at once (two workers starting together on one data
 * directory) make the loser fail. What they write is the same whoever wins: retry.
 */
async function retryConfigLock<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      // "could not lock config file", or init copying a template another init just wrote ("File exists").
      if (attempt >= 50 || !/could not lock config file|File exists/.test(String((e as Error).message))) throw e;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
    }
  }
}
