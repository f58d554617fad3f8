import { writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { AppError } from "@galley/core";
import { afterEach, describe, expect, it } from "vitest";
import type { AnalyticsRepo } from "../analytics-repo";
import { gitClient, gitClientAsync, tempRepo } from "../testing/temp-repo";
import { handleGitHttp, type PushRef } from "./handle-git-http";
import { FLUSH, pkt } from "./pkt-line";

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

interface Server {
  url: string;
  authorized: PushRef[][];
  pushed: PushRef[][];
}

/** What apps/web will do: mount handleGitHttp under a prefix and stream the answer. */
async function serve(repo: AnalyticsRepo): Promise<Server> {
  const state: Server = { url: "", authorized: [], pushed: [] };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));
    try {
      const out = await handleGitHttp(
        { method: req.method ?? "GET", path: url.pathname.replace(/^\/git\/repo\.git/, ""), query: url.search.slice(1), headers, body: req },
        {
          repoDir: repo.dir,
          remoteUser: "padma",
          authorizePush: async (refs) => {
            state.authorized.push(refs);
            const locked = refs.find((r) => r.branch === "production");
            if (locked) throw new AppError("forbidden", "only staff of Kitchen production may push to production");
          },
        },
      );
      void out.pushedRefs.then((refs) => refs.length && state.pushed.push(refs));
      res.writeHead(out.status, out.headers);
      Readable.from(out.body).pipe(res);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/git/repo.git`;
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return state;
}

async function setup() {
  const t = await tempRepo({ "pipelines/p.yaml": "name: p\n" });
  cleanups.push(t.cleanup);
  await t.repo.createBranch("production", "main");
  const server = await serve(t.repo);
  const work = path.join(t.root, "work");
  await mustGit(t.root, ["clone", "--quiet", server.url, work]);
  return { ...t, server, work };
}

async function mustGit(cwd: string, args: string[]): Promise<string> {
  const r = await gitClientAsync(cwd, args);
  if (!r.ok) throw new Error(`git ${args.join(" ")} failed: ${r.out}`);
  return r.out;
}

describe("handleGitHttp", () => {
  it("clones, and accepts an authorised push that the repository then serves", async () => {
    const { repo, server, work } = await setup();
    writeFileSync(path.join(work, "pipelines", "p.yaml"), "name: p\nsteps: []\n");
    gitClient(work, ["commit", "--quiet", "-am", "edit from a git client"]);
    const sha = gitClient(work, ["rev-parse", "HEAD"]).trim();
    await mustGit(work, ["push", "--quiet", "origin", "main"]);
    expect(await repo.headOf("main")).toBe(sha);
    expect((await repo.readFile("main", "pipelines/p.yaml")).content).toBe("name: p\nsteps: []\n");
    expect(server.authorized.at(-1)).toEqual([expect.objectContaining({ ref: "refs/heads/main", branch: "main", newSha: sha })]);
    await expect.poll(() => server.pushed.length).toBe(1);
    expect(server.pushed[0].map((r) => r.branch)).toEqual(["main"]);
  });

  it("handles large pushes (git's probe request, then a chunked body)", async () => {
    const { repo, server, work } = await setup();
    // Random hex does not compress well, so the pack exceeds git's 1 MiB http.postBuffer and is streamed.
    const { randomBytes } = await import("node:crypto");
    writeFileSync(path.join(work, "big.csv"), randomBytes(1_500_000).toString("hex"));
    gitClient(work, ["add", "."]);
    gitClient(work, ["commit", "--quiet", "-m", "big file"]);
    await mustGit(work, ["push", "--quiet", "origin", "main"]);
    expect((await repo.listFiles("main")).find((f) => f.path === "big.csv")?.size).toBe(3_000_000);
    expect(server.authorized.at(-1)?.map((r) => r.branch)).toEqual(["main"]);
    await expect.poll(() => server.pushed.length).toBe(1);
  });

  it("refuses a push that authorizePush rejects, with its message, and changes nothing", async () => {
    const { repo, server, work } = await setup();
    const before = await repo.headOf("production");
    gitClient(work, ["checkout", "--quiet", "-b", "production", "origin/production"]);
    writeFileSync(path.join(work, "hack.sql"), "drop table x;\n");
    gitClient(work, ["add", "."]);
    gitClient(work, ["commit", "--quiet", "-m", "sneaky"]);
    const r = await gitClientAsync(work, ["push", "origin", "production"]);
    expect(r.ok).toBe(false);
    expect(r.out).toContain("only staff of Kitchen production may push to production");
    expect(r.out).toContain("[remote rejected]");
    expect(await repo.headOf("production")).toBe(before);
    const sneaky = gitClient(work, ["rev-parse", "HEAD"]).trim();
    expect((await repo.git.run(["cat-file", "-e", sneaky], { okCodes: [0, 1, 128] })).code).not.toBe(0);
    expect(server.pushed).toEqual([]);
  });

  it("refuses non-fast-forward pushes, deletions and non-branch refs", async () => {
    const { repo, work, server } = await setup();
    const before = await repo.headOf("main");
    gitClient(work, ["commit", "--quiet", "--amend", "-m", "rewritten history"]);
    const forced = await gitClientAsync(work, ["push", "--force", "origin", "main"]);
    expect(forced.ok).toBe(false);
    expect(forced.out).toMatch(/non-fast-forward|rejected/);
    expect(await repo.headOf("main")).toBe(before);
    const del = await gitClientAsync(work, ["push", "origin", ":production"]);
    expect(del.ok).toBe(false);
    expect(await repo.branchExists("production")).toBe(true);
    const tag = await gitClientAsync(work, ["push", "origin", "HEAD:refs/tags/v1"]);
    expect(tag.ok).toBe(false);
    expect(tag.out).toContain("only branches with valid names can be pushed");
    expect(server.pushed).toEqual([]);
  });

  it("parses gzip-encoded push requests before git sees them", async () => {
    const { repo, server } = await setup();
    const head = await repo.headOf("production");
    const command = pkt(`${head} ${"1".repeat(40)} refs/heads/production\0report-status side-band-64k agent=test\n`);
    const body = gzipSync(Buffer.concat([command, FLUSH, Buffer.from("PACK-not-really")]));
    const res = await fetch(`${server.url}/git-receive-pack`, {
      method: "POST",
      headers: { "content-type": "application/x-git-receive-pack-request", "content-encoding": "gzip" },
      body: new Uint8Array(body),
    });
    const text = Buffer.from(await res.arrayBuffer()).toString("latin1");
    expect(res.status).toBe(200);
    expect(text).toContain("ng refs/heads/production only staff of Kitchen production may push to production");
    expect(server.authorized.at(-1)).toEqual([{ ref: "refs/heads/production", branch: "production", oldSha: head, newSha: "1".repeat(40) }]);
    expect(await repo.headOf("production")).toBe(head);
  });

  it("answers malformed pushes with 400, anonymous pushes with 401, and serves no dumb-HTTP files", async () => {
    const { server, repo } = await setup();
    const anonymous = await handleGitHttp(
      { method: "GET", path: "/info/refs", query: "service=git-receive-pack", headers: {}, body: null },
      { repoDir: repo.dir, remoteUser: "", authorizePush: async () => {} },
    );
    expect(anonymous.status).toBe(401);
    const bad = await fetch(`${server.url}/git-receive-pack`, {
      method: "POST",
      headers: { "content-type": "application/x-git-receive-pack-request" },
      body: new Uint8Array(pkt("not a command\n")),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Malformed push request");
    for (const p of ["/HEAD", "/config", "/objects/info/packs", "/info/refs"]) {
      expect((await fetch(`${server.url}${p}`)).status).toBe(404);
    }
  });
});
