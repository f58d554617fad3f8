// Git over HTTP through the Next route handler (app/git/[...path]/route.ts), served by a tiny
// node:http adapter in this process, with a real git client: clone, push, refusals.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, DEMO_PASSWORD, params, req, send, setUpKitchensTestEnv, type KitchensTestEnv } from "./kitchens-test-env";

let env: KitchensTestEnv;
let server: http.Server;
let port: number;
let work: string;

beforeAll(async () => {
  env = await setUpKitchensTestEnv();
  const { GET, POST } = await import("../app/git/[...path]/route");
  server = http.createServer(async (nreq, nres) => {
    try {
      const headers = new Headers();
      for (const [k, v] of Object.entries(nreq.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      const hasBody = nreq.method !== "GET" && nreq.method !== "HEAD";
      const request = new Request(`http://127.0.0.1:${port}${nreq.url}`, {
        method: nreq.method,
        headers,
        body: hasBody ? (Readable.toWeb(nreq) as ReadableStream) : undefined,
        duplex: "half",
      } as RequestInit);
      const pathParts = new URL(request.url).pathname.split("/").slice(2);
      const res = await (nreq.method === "POST" ? POST : GET)(request, params({ path: pathParts as unknown as string }));
      nres.writeHead(res.status, Object.fromEntries(res.headers));
      if (res.body) Readable.fromWeb(res.body as import("node:stream/web").ReadableStream).pipe(nres);
      else nres.end();
    } catch (e) {
      nres.writeHead(500).end(String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  work = mkdtempSync(path.join(os.tmpdir(), "galley-git-client-"));
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  if (work) rmSync(work, { recursive: true, force: true });
  await env?.cleanup();
});

function git(cwd: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  const e = {
    NODE_ENV: "test" as const,
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: work,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "Padma", GIT_AUTHOR_EMAIL: "padma@galley.local", GIT_COMMITTER_NAME: "Padma", GIT_COMMITTER_EMAIL: "padma@galley.local",
  };
  return new Promise((resolve) => execFile("git", args, { cwd, env: e, timeout: 60_000 }, (err, stdout, stderr) => resolve({ ok: !err, out: `${stdout}${stderr}` })));
}

async function mustGit(cwd: string, args: string[]): Promise<string> {
  const r = await git(cwd, args);
  if (!r.ok) throw new Error(`git ${args.join(" ")}: ${r.out}`);
  return r.out;
}

const remote = (user?: string, secret = DEMO_PASSWORD) =>
  `http://${user ? `${encodeURIComponent(user)}:${encodeURIComponent(secret)}@` : ""}127.0.0.1:${port}/git/galley.git`;

async function cloneAs(user: string, dir: string, secret = DEMO_PASSWORD): Promise<string> {
  const target = path.join(work, dir);
  await mustGit(work, ["clone", "--quiet", remote(user, secret), target]);
  return target;
}

async function commitFile(dir: string, branch: string, file: string, content: string): Promise<string> {
  await mustGit(dir, ["checkout", "--quiet", "-B", branch, `origin/${branch}`]);
  writeFileSync(path.join(dir, file), content);
  await mustGit(dir, ["add", file]);
  await mustGit(dir, ["commit", "--quiet", "-m", `edit ${file} on ${branch}`]);
  return (await mustGit(dir, ["rev-parse", "HEAD"])).trim();
}

describe("git over HTTP", () => {
  it("refuses anonymous and wrong credentials", async () => {
    const anon = await git(work, ["clone", "--quiet", remote(), path.join(work, "anon")]);
    expect(anon.ok).toBe(false);
    expect(anon.out).toMatch(/could not read Username|Authentication failed|401/);
    const wrong = await git(work, ["clone", "--quiet", remote("padma@galley.local", "wrong-password"), path.join(work, "wrong")]);
    expect(wrong.ok).toBe(false);
    expect(wrong.out).toMatch(/Authentication failed/);
  });

  it("lets any active user clone the whole repository", async () => {
    const dir = await cloneAs("maya@galley.local", "maya");
    const branches = await mustGit(dir, ["branch", "-r"]);
    for (const b of ["production", "dev", "padma_feature"]) expect(branches).toContain(`origin/${b}`);
  });

  it("accepts a staff member's fast-forward push and marks the Kitchen active", async () => {
    const dir = await cloneAs("padma@galley.local", "padma");
    const before = await env.t.db.kitchen.findFirstOrThrow({ where: { name: "padma_feature", deletedAt: null }, select: { lastActivityAt: true } });
    const sha = await commitFile(dir, "padma_feature", "notes.md", "from my laptop\n");
    await mustGit(dir, ["push", "--quiet", "origin", "padma_feature"]);
    expect(await env.repo.headOf("padma_feature")).toBe(sha);
    await expect.poll(async () => (await env.t.db.kitchen.findFirstOrThrow({ where: { name: "padma_feature", deletedAt: null }, select: { lastActivityAt: true } })).lastActivityAt.getTime()).toBeGreaterThan(before.lastActivityAt.getTime());
    // The API sees what was pushed.
    const res = await (await import("../app/api/kitchens/[k]/files/content/route")).GET(req("/api/kitchens/padma_feature/files/content?path=notes.md", { headers: await as("padma@galley.local") }), params({ k: "padma_feature" }));
    expect((await res.json()).content).toBe("from my laptop\n");
  });

  it("refuses pushes to production by a developer, to Kitchens one does not staff, and to new branches", async () => {
    const dir = await cloneAs("padma@galley.local", "padma2");
    const prodHead = await env.repo.headOf("production");
    await commitFile(dir, "production", "hack.sql", "drop table everything;\n");
    const notStaff = await git(dir, ["push", "origin", "production"]);
    expect(notStaff.ok).toBe(false);
    expect(notStaff.out).toContain("[remote rejected] production -> production (you are not on the staff of Kitchen production");
    // Even on production's staff, a developer may never write it.
    const production = await env.t.db.kitchen.findFirstOrThrow({ where: { name: "production", deletedAt: null } });
    const padma = await env.t.db.user.findUniqueOrThrow({ where: { email: "padma@galley.local" } });
    await env.t.db.kitchenStaff.create({ data: { kitchenId: production.id, userId: padma.id } });
    const prod = await git(dir, ["push", "origin", "production"]);
    expect(prod.ok).toBe(false);
    expect(prod.out).toContain("[remote rejected] production -> production (Kitchen production is in a production environment: only production engineers and admins may change it)");
    expect(await env.repo.headOf("production")).toBe(prodHead);

    await mustGit(dir, ["checkout", "--quiet", "-b", "padma_new", "origin/dev"]);
    const fresh = await git(dir, ["push", "origin", "padma_new"]);
    expect(fresh.ok).toBe(false);
    expect(fresh.out).toContain("no Kitchen uses branch padma_new");
    expect(await env.repo.branchExists("padma_new")).toBe(false);

    const maya = await cloneAs("maya@galley.local", "maya2");
    await commitFile(maya, "dev", "maya.md", "hi\n");
    const viewer = await git(maya, ["push", "origin", "dev"]);
    expect(viewer.ok).toBe(false);
    expect(viewer.out).toContain("not on the staff of Kitchen dev");
  });

  it("refuses non-fast-forward pushes", async () => {
    const dir = await cloneAs("padma@galley.local", "padma3");
    await mustGit(dir, ["checkout", "--quiet", "-B", "padma_feature", "origin/padma_feature~1"]);
    writeFileSync(path.join(dir, "c.md"), "c\n");
    await mustGit(dir, ["add", "c.md"]);
    await mustGit(dir, ["commit", "--quiet", "-m", "rewrite"]);
    const head = await env.repo.headOf("padma_feature");
    const forced = await git(dir, ["push", "--force", "origin", "padma_feature"]);
    expect(forced.ok).toBe(false);
    expect(forced.out).toMatch(/non-fast-forward|denying non-fast-forward/);
    expect(await env.repo.headOf("padma_feature")).toBe(head);
  });

  it("accepts a personal access token, and refuses one given with another email", async () => {
    const { createAccessToken } = await import("@galley/auth");
    const padma = await env.t.db.user.findUniqueOrThrow({ where: { email: "padma@galley.local" } });
    const { token } = await createAccessToken({ db: env.t.db }, padma.id, "laptop");
    const dir = await cloneAs("padma@galley.local", "pat", token);
    const sha = await commitFile(dir, "padma_feature", "pat.md", "via token\n");
    await mustGit(dir, ["push", "--quiet", "origin", "padma_feature"]);
    expect(await env.repo.headOf("padma_feature")).toBe(sha);
    const other = await git(work, ["clone", "--quiet", remote("chris@galley.local", token), path.join(work, "stolen")]);
    expect(other.ok).toBe(false);
  });

  it("never follows a pushed symlink through the API", async () => {
    const dir = await cloneAs("padma@galley.local", "link");
    await mustGit(dir, ["checkout", "--quiet", "-B", "padma_feature", "origin/padma_feature"]);
    symlinkSync("/etc/passwd", path.join(dir, "passwd.sql"));
    await mustGit(dir, ["add", "passwd.sql"]);
    await mustGit(dir, ["commit", "--quiet", "-m", "a link"]);
    await mustGit(dir, ["push", "--quiet", "origin", "padma_feature"]);
    const content = await import("../app/api/kitchens/[k]/files/content/route");
    const h = await as("padma@galley.local");
    const read = await content.GET(req("/api/kitchens/padma_feature/files/content?path=passwd.sql", { headers: h }), params({ k: "padma_feature" }));
    expect(read.status).toBe(422);
    expect((await read.json()).error.message).toContain("symbolic link");
    const write = await content.PUT(send("PUT", "/api/kitchens/padma_feature/files/content", { path: "passwd.sql", content: "x", message: "m" }, h), params({ k: "padma_feature" }));
    expect(write.status).toBe(422);
  });
});

describe("private Kitchens over git (issue 7, finding 6)", () => {
  it("hides a private Kitchen's branch from non-staff: refs of both services, fetch by id in protocol v0 and v2, the commits API", async () => {
    const padmaDir = await cloneAs("padma@galley.local", "priv-padma");
    const secretSha = await commitFile(padmaDir, "padma_feature", "secret-plan.md", "only for padma\n");
    await mustGit(padmaDir, ["push", "--quiet", "origin", "padma_feature"]);
    await env.t.db.kitchen.updateMany({ where: { name: "padma_feature", deletedAt: null }, data: { isPrivate: true } });
    try {
      // Chris (dataops, owner of dev, not on padma_feature's staff) clones: the branch is not there.
      const chris = await cloneAs("chris@galley.local", "priv-chris");
      const refs = await mustGit(chris, ["ls-remote", "origin"]);
      expect(refs).toContain("refs/heads/dev");
      expect(refs).not.toContain("padma_feature");
      expect(refs).not.toContain(secretSha);
      // Nor in the push service's advertisement.
      const auth = `Basic ${Buffer.from(`chris@galley.local:${DEMO_PASSWORD}`).toString("base64")}`;
      for (const service of ["git-receive-pack", "git-upload-pack"]) {
        for (const protocol of [undefined, "version=2"]) {
          const adv = await fetch(`http://127.0.0.1:${port}/git/galley.git/info/refs?service=${service}`, { headers: { authorization: auth, ...(protocol ? { "git-protocol": protocol } : {}) } });
          const text = await adv.text();
          expect(adv.status, `${service} ${protocol}`).toBe(200);
          expect(text, `${service} ${protocol}`).not.toContain(secretSha);
          expect(text, `${service} ${protocol}`).not.toContain("padma_feature");
        }
      }
      // Fetching the object by id is refused, whatever protocol the client asks for.
      for (const v of ["0", "1", "2"]) {
        const byId = await git(chris, ["-c", `protocol.version=${v}`, "fetch", "origin", secretSha]);
        expect(byId.ok, `protocol v${v}: ${byId.out}`).toBe(false);
        expect(byId.out, `protocol v${v}`).toMatch(/not our ref|couldn't find remote ref|Server does not allow request for unadvertised object/);
        expect((await git(chris, ["cat-file", "-e", secretSha])).ok, `protocol v${v}`).toBe(false);
      }
      const asChris = await git(chris, ["fetch", "origin", "padma_feature"]);
      expect(asChris.ok).toBe(false);
      // The commits API of Chris's own Kitchen does not serve it either (404 as for a missing object).
      const commits = await import("../app/api/kitchens/[k]/commits/[sha]/route");
      const viaDev = await commits.GET(req(`/api/kitchens/dev/commits/${secretSha}`, { headers: await as("chris@galley.local") }), params({ k: "dev", sha: secretSha }));
      expect(viaDev.status).toBe(404);
      expect(await viaDev.text()).not.toContain("secret-plan");
      // Padma, on its staff, still sees and fetches it; so does the API of her Kitchen.
      const mine = await git(padmaDir, ["-c", "protocol.version=2", "fetch", "origin", secretSha]);
      expect(mine.ok, mine.out).toBe(true);
      expect(await mustGit(padmaDir, ["ls-remote", "origin"])).toContain("refs/heads/padma_feature");
      const viaOwn = await commits.GET(req(`/api/kitchens/padma_feature/commits/${secretSha}`, { headers: await as("padma@galley.local") }), params({ k: "padma_feature", sha: secretSha }));
      expect(viaOwn.status).toBe(200);
      expect(await viaOwn.text()).toContain("secret-plan.md");
    } finally {
      await env.t.db.kitchen.updateMany({ where: { name: "padma_feature", deletedAt: null }, data: { isPrivate: false } });
    }
  });

  it("serves a commit through a Kitchen's route only when it is in that Kitchen's history", async () => {
    const dir = await cloneAs("padma@galley.local", "reach-padma");
    const onlyFeature = await commitFile(dir, "padma_feature", "feature-only.md", "x\n");
    await mustGit(dir, ["push", "--quiet", "origin", "padma_feature"]);
    const commits = await import("../app/api/kitchens/[k]/commits/[sha]/route");
    // Padma is on dev's staff in the demo? Use chris, dev's owner, so staff is not what refuses.
    const viaDev = await commits.GET(req(`/api/kitchens/dev/commits/${onlyFeature}`, { headers: await as("chris@galley.local") }), params({ k: "dev", sha: onlyFeature }));
    expect(viaDev.status).toBe(404);
    expect((await viaDev.json()).error.message).toBe(`Commit ${onlyFeature} is not in the history of Kitchen dev`);
    const missing = "1".repeat(40);
    const none = await commits.GET(req(`/api/kitchens/dev/commits/${missing}`, { headers: await as("chris@galley.local") }), params({ k: "dev", sha: missing }));
    expect(none.status).toBe(404);
    const devHead = await env.repo.headOf("dev");
    expect((await commits.GET(req(`/api/kitchens/dev/commits/${devHead}`, { headers: await as("chris@galley.local") }), params({ k: "dev", sha: devHead }))).status).toBe(200);
  });
});

describe("paths git reads as .git on macOS or Windows (issue 7, finding 7)", () => {
  const BAD = [".g\u200cit/config", "GIT~1/config", ".git./config", ".GIT/config", ".git::$INDEX_ALLOCATION/config", "git~1 . /config"];

  it("refuses them in the files API, with the path named, and writes nothing", async () => {
    const content = await import("../app/api/kitchens/[k]/files/content/route");
    const h = await as("padma@galley.local");
    const head = await env.repo.headOf("padma_feature");
    for (const p of [...BAD, "notes./a.md", "a/b:stream"]) {
      const res = await content.PUT(send("PUT", "/api/kitchens/padma_feature/files/content", { path: p, content: "[core]\n\tfsmonitor = evil\n", message: "m" }, h), params({ k: "padma_feature" }));
      expect(res.status, p).toBe(422);
      const body = await res.json();
      expect(body.error.message, p).toContain("Invalid path");
      expect(body.error.field, p).toBe("path");
    }
    expect(await env.repo.headOf("padma_feature")).toBe(head);
  });

  it("refuses a push whose trees carry one, and the branch stays where it was", async () => {
    const dir = await cloneAs("padma@galley.local", "dotgit");
    await mustGit(dir, ["checkout", "--quiet", "-B", "padma_feature", "origin/padma_feature"]);
    writeFileSync(path.join(work, "evil-config"), "[core]\n\tfsmonitor = touch /tmp/pwned\n");
    const blob = (await mustGit(dir, ["hash-object", "-w", path.join(work, "evil-config")])).trim();
    const before = await env.repo.headOf("padma_feature");
    for (const name of BAD.map((p) => p.split("/")[0])) {
      // The client's own index would refuse these names, so the trees are built with plumbing.
      const inner = await mktree(dir, `100644 blob ${blob}\tconfig\n`);
      const base = (await mustGit(dir, ["rev-parse", "HEAD^{tree}"])).trim();
      const entries = (await mustGit(dir, ["ls-tree", base])) + `040000 tree ${inner}\t${name}\n`;
      const tree = await mktree(dir, entries);
      const commit = (await mustGit(dir, ["commit-tree", tree, "-p", "HEAD", "-m", `add ${name}`])).trim();
      const push = await git(dir, ["push", "origin", `${commit}:refs/heads/padma_feature`]);
      expect(push.ok, name).toBe(false);
      expect(push.out, name).toMatch(/hasDotgit|dotgit|\.git/i);
      expect(await env.repo.headOf("padma_feature"), name).toBe(before);
    }
  });
});

function mktree(cwd: string, entries: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("git", ["mktree"], { cwd, env: { NODE_ENV: "test" as const, PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: work, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" } }, (err: Error | null, stdout: string, stderr: string) =>
      err ? reject(new Error(`git mktree: ${stderr}`)) : resolve(stdout.trim()));
    child.stdin!.end(entries);
  });
}

describe("a pipeline pushed over git that fails validation (issue 7, finding 7)", () => {
  it("is listed with its error, not dropped: over 2 MB, and not parseable", async () => {
    const dir = await cloneAs("padma@galley.local", "bigpipe");
    await mustGit(dir, ["checkout", "--quiet", "-B", "padma_feature", "origin/padma_feature"]);
    const { mkdirSync } = await import("node:fs");
    mkdirSync(path.join(dir, "pipelines/huge"), { recursive: true });
    mkdirSync(path.join(dir, "pipelines/garbled"), { recursive: true });
    writeFileSync(path.join(dir, "pipelines/huge/pipeline.yaml"), `name: huge\nnodes:\n${"  # padding\n".repeat(220_000)}`);
    writeFileSync(path.join(dir, "pipelines/garbled/pipeline.yaml"), "name: [unclosed\n");
    await mustGit(dir, ["add", "pipelines"]);
    await mustGit(dir, ["commit", "--quiet", "-m", "two broken pipelines"]);
    await mustGit(dir, ["push", "--quiet", "origin", "padma_feature"]);
    const { GET } = await import("../app/api/kitchens/[k]/pipelines/route");
    const res = await GET(req("/api/kitchens/padma_feature/pipelines", { headers: await as("padma@galley.local") }), params({ k: "padma_feature" }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { pipelines: { name: string; errors: { file: string; message: string }[] }[] };
    const huge = body.pipelines.find((p) => p.name === "huge");
    expect(huge?.errors[0]).toMatchObject({ file: "pipelines/huge/pipeline.yaml", message: expect.stringContaining("larger than 1 MiB") });
    const garbled = body.pipelines.find((p) => p.name === "garbled");
    expect(garbled?.errors.length).toBeGreaterThan(0);
    expect(garbled?.errors[0].file).toBe("pipelines/garbled/pipeline.yaml");
    // Its page answers with the error too, instead of 404.
    const one = await (await import("../app/api/kitchens/[k]/pipelines/[p]/route")).GET(req("/x", { headers: await as("padma@galley.local") }), params({ k: "padma_feature", p: "huge" }));
    expect(one.status).toBe(200);
    expect((await one.json()).errors[0].message).toContain("larger than 1 MiB");
  });
});
