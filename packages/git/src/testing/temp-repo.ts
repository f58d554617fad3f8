import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AnalyticsRepo } from "../analytics-repo";
import { baseGitEnv } from "../git-exec";

export const ALICE = { name: "Alice Analyst", email: "alice@example.com" };

/** A fresh bare repository in a temporary folder, seeded on `main`; `cleanup()` removes it. */
export async function tempRepo(files: Record<string, string> = { "README.md": "hello\n" }) {
  const root = mkdtempSync(path.join(tmpdir(), "galley-git-test-"));
  const repo = await AnalyticsRepo.init(path.join(root, "repo.git"), { defaultBranch: "main" });
  await repo.seed("main", files, ALICE, "Initial commit");
  return { root, repo, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const clientEnv = () => ({
  ...baseGitEnv(),
  GIT_LITERAL_PATHSPECS: "0",
  GIT_AUTHOR_NAME: "Bob",
  GIT_AUTHOR_EMAIL: "bob@example.com",
  GIT_COMMITTER_NAME: "Bob",
  GIT_COMMITTER_EMAIL: "bob@example.com",
});

/** Runs a real git client command (as a user would) with an isolated config. */
export function gitClient(cwd: string, args: string[]): string {
  return execFileSync("git", args, { cwd, env: clientEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Async form, for commands that talk to an HTTP server living in the same process (a sync call would deadlock). */
export function gitClientAsync(cwd: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, env: clientEnv(), encoding: "utf8", timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ ok: !err, out: `${stdout}${stderr}` }),
    );
  });
}
