import { spawn } from "node:child_process";
import { AppError } from "@galley/core";

export interface GitRunOptions {
  /** Bytes written to git's stdin (then closed). */
  input?: Buffer | string;
  /** Extra environment, e.g. GIT_INDEX_FILE or author identity. */
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (merge-tree exits 1 on conflicts). */
  okCodes?: number[];
  timeoutMs?: number;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** A git command that exited with an unexpected code; callers map it to an AppError that says what failed. */
export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args[0]} exited with ${code}: ${stderr.trim().slice(0, 500)}`);
    this.name = "GitCommandError";
  }
}

/**
 * Environment for every git child process, built from scratch: the host's and the user's git config must not
 * change how merges or diffs come out (a global `merge.conflictStyle`, `diff.external` or `core.hooksPath` would),
 * and literal pathspecs stop a file named `:(glob)*` from being read as pathspec magic.
 * PATH is the one value taken from the host: git needs it to find itself.
 */
export function baseGitEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    LANG: "C",
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_LITERAL_PATHSPECS: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_NO_REPLACE_OBJECTS: "1",
    GIT_OPTIONAL_LOCKS: "0",
  };
}

/** Runs `git <args>` with an argv array (never a shell) against one repository directory. */
export class Git {
  private readonly env: Record<string, string>;

  constructor(readonly gitDir: string) {
    this.env = { ...baseGitEnv(), GIT_DIR: gitDir };
  }

  run(args: string[], opts: GitRunOptions = {}): Promise<GitResult> {
    return runProcess("git", args, { ...opts, cwd: this.gitDir, env: { ...this.env, ...opts.env } });
  }

  /** stdout as text with the trailing newline removed. */
  async text(args: string[], opts: GitRunOptions = {}): Promise<string> {
    const r = await this.run(args, opts);
    return r.stdout.toString("utf8").replace(/\n$/, "");
  }
}

interface ProcessOptions extends GitRunOptions {
  cwd: string;
  env: Record<string, string>;
}

export function runProcess(cmd: string, args: string[], opts: ProcessOptions): Promise<GitResult> {
  const okCodes = opts.okCodes ?? [0];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env as NodeJS.ProcessEnv, shell: false, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 120_000);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    // git may exit before reading all of stdin (e.g. on a bad object); that EPIPE is reported via the exit code.
    child.stdin.on("error", () => {});
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new AppError("unavailable", `Could not start ${cmd}: ${e.message}`, { cause: e }));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString("utf8");
      if (timedOut) return reject(new GitCommandError(args, null, `timed out\n${stderr}`));
      if (code === null || !okCodes.includes(code)) return reject(new GitCommandError(args, code, stderr));
      resolve({ stdout: Buffer.concat(out), stderr, code });
    });
    child.stdin.end(opts.input ?? "");
  });
}
