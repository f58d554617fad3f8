import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AnalyticsRepo } from "./analytics-repo";
import { ALICE, gitClient, tempRepo } from "./testing/temp-repo";

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function setup(files?: Record<string, string>) {
  const t = await tempRepo(files);
  cleanups.push(t.cleanup);
  return t;
}

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; field?: string; details?: unknown };
  }
  throw new Error("expected a rejection");
}

describe("AnalyticsRepo init and branches", () => {
  it("processes initialising one repository at once all succeed (git config's lock is retried)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "galley-init-race-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const repos = await Promise.all(Array.from({ length: 8 }, () => AnalyticsRepo.init(path.join(dir, "repo.git"), { defaultBranch: "main" })));
    expect(await repos[0].git.text(["config", "--get", "receive.denyDeletes"])).toBe("true");
  });

  it("init is idempotent and applies the server settings", async () => {
    const { repo } = await setup();
    const again = await AnalyticsRepo.init(repo.dir, { defaultBranch: "main" });
    expect(await again.headOf("main")).toBe(await repo.headOf("main"));
    for (const [k, v] of [
      ["receive.denyNonFastForwards", "true"],
      ["receive.denyDeletes", "true"],
      ["http.receivepack", "true"],
      ["uploadpack.allowFilter", "true"],
    ]) {
      expect(await repo.git.text(["config", "--get", k])).toBe(v);
    }
    expect(await repo.git.text(["config", "--get", "core.hooksPath"])).toContain(repo.dir);
  });

  it("creates, finds and deletes branches", async () => {
    const { repo } = await setup();
    const main = await repo.headOf("main");
    expect(await repo.createBranch("dev", "main")).toBe(main);
    expect(await repo.branchExists("dev")).toBe(true);
    expect(await repo.headOf("dev")).toBe(main);
    expect(await rejection(repo.createBranch("dev", "main"))).toMatchObject({ code: "conflict", message: "Branch dev already exists" });
    expect(await rejection(repo.createBranch("x", "nope"))).toMatchObject({ code: "not_found", field: "fromBranch" });
    await repo.deleteBranch("dev");
    expect(await repo.branchExists("dev")).toBe(false);
    expect(await rejection(repo.deleteBranch("dev"))).toMatchObject({ code: "not_found" });
    expect(await rejection(repo.deleteBranch("main"))).toMatchObject({ code: "invalid_input", field: "name" });
    expect((await repo.listBranches()).map((b) => b.name)).toContain("main");
  });

  it("reports a branch that clashes with an existing branch's folder", async () => {
    const { repo } = await setup();
    await repo.createBranch("padma", "main");
    const e = await rejection(repo.createBranch("padma/x", "main"));
    expect(e).toMatchObject({ code: "conflict", message: "Branch padma/x cannot be created because branch padma exists" });
  });

  it("refuses hostile branch names before git sees them", async () => {
    const { repo, root } = await setup();
    for (const name of ["--upload-pack=touch x", "-h", "a..b", "ext::sh -c id", "Main", "a b", "a//b", "a/", "a/-b", ""]) {
      expect(await rejection(repo.createBranch(name, "main"))).toMatchObject({ code: "invalid_input", field: "name" });
      expect(await rejection(repo.readFile(name, "README.md"))).toMatchObject({ code: "invalid_input", field: "branch" });
    }
    expect(existsSync(path.join(root, "x")) || existsSync(path.join(repo.dir, "x"))).toBe(false);
    expect(await rejection(repo.createBranch("ok", "--upload-pack=touch x"))).toMatchObject({ code: "invalid_input", field: "fromBranch" });
  });
});

describe("AnalyticsRepo files", () => {
  it("commits, reads, lists and logs files", async () => {
    const { repo } = await setup();
    const c1 = await repo.commitFiles("main", {
      changes: [
        { path: "pipelines/profit/pipeline.yaml", content: "name: profit\n" },
        { path: "pipelines/profit/load.sql", content: "select 1;\n" },
        { path: "notes/é and space.md", content: "ünïcode\n" },
      ],
      message: "Add profit pipeline",
      author: ALICE,
    });
    expect(await repo.headOf("main")).toBe(c1);
    const file = await repo.readFile("main", "pipelines/profit/load.sql");
    expect(file).toMatchObject({ content: "select 1;\n", isBinary: false, size: 10 });
    expect(file.blobSha).toMatch(/^[0-9a-f]{40}$/);
    expect((await repo.readFile("main", "notes/é and space.md")).content).toBe("ünïcode\n");
    expect(await repo.listFiles("main", { prefix: "pipelines/profit" })).toEqual([
      { path: "pipelines/profit/load.sql", size: 10, mode: "100644" },
      { path: "pipelines/profit/pipeline.yaml", size: 13, mode: "100644" },
    ]);
    expect((await repo.listFiles("main", { prefix: "pipelines/prof" })).length).toBe(0);
    const many = await repo.readFiles("main", ["pipelines/profit/pipeline.yaml", "missing.sql"]);
    expect(many["pipelines/profit/pipeline.yaml"]?.content).toBe("name: profit\n");
    expect(many["missing.sql"]).toBeNull();
    const all = await repo.readAllTextFiles("main", "pipelines");
    expect(all.files.map((f) => f.path).sort()).toEqual(["pipelines/profit/load.sql", "pipelines/profit/pipeline.yaml"]);

    const c2 = await repo.commitFiles("main", {
      changes: [
        { path: "pipelines/profit/load.sql", content: "select 2;\n" },
        { path: "notes/é and space.md", content: null },
      ],
      message: "Change query\n\nand drop notes",
      author: { name: "Padma", email: "padma@example.com" },
      expectedHead: c1,
    });
    const entries = await repo.log("main", { limit: 10 });
    expect(entries.map((e) => e.sha)).toEqual([c2, c1, entries[2].sha]);
    expect(entries[0]).toMatchObject({ parents: [c1], author: "Padma", email: "padma@example.com", message: "Change query\n\nand drop notes" });
    expect(new Date(entries[0].date).getTime()).toBeGreaterThan(0);
    expect((await repo.log("main", { path: "pipelines/profit/load.sql" })).map((e) => e.sha)).toEqual([c2, c1]);
    expect(await rejection(repo.readFile("main", "notes/é and space.md"))).toMatchObject({ code: "not_found", field: "path" });

    const shown = await repo.showCommit(c2);
    expect(shown.files.map((f) => [f.path, f.status])).toEqual([
      ["notes/é and space.md", "deleted"],
      ["pipelines/profit/load.sql", "modified"],
    ]);
    expect(shown.files[1].patch).toContain("-select 1;\n+select 2;");
    expect(shown.files[0].patch).toContain("-ünïcode");
  });

  it("guards commits: stale head, missing deletes, file/folder clashes, empty messages, no-op saves", async () => {
    const { repo } = await setup({ "a.sql": "select 1;\n", "dir/b.sql": "b\n" });
    const head = await repo.headOf("main");
    const base = { message: "m", author: ALICE };
    expect(await rejection(repo.commitFiles("main", { ...base, changes: [{ path: "a.sql", content: "x" }], expectedHead: "0".repeat(40) }))).toMatchObject({
      code: "conflict",
      field: "expectedHead",
    });
    expect(await rejection(repo.commitFiles("main", { ...base, changes: [{ path: "nope.sql", content: null }] }))).toMatchObject({ code: "not_found" });
    expect(await rejection(repo.commitFiles("main", { ...base, changes: [{ path: "a.sql/x", content: "x" }] }))).toMatchObject({ code: "invalid_input", field: "a.sql" });
    expect(await rejection(repo.commitFiles("main", { ...base, changes: [{ path: "dir", content: "x" }] }))).toMatchObject({ code: "invalid_input", field: "dir" });
    expect(await rejection(repo.commitFiles("main", { ...base, message: "  ", changes: [{ path: "a.sql", content: "x" }] }))).toMatchObject({
      code: "invalid_input",
      field: "message",
    });
    expect(await rejection(repo.commitFiles("main", { ...base, changes: [] }))).toMatchObject({ code: "invalid_input", field: "changes" });
    expect(await rejection(repo.commitFiles("nope", { ...base, changes: [{ path: "a.sql", content: "x" }] }))).toMatchObject({ code: "not_found", field: "branch" });
    expect(await repo.commitFiles("main", { ...base, changes: [{ path: "a.sql", content: "select 1;\n" }] })).toBe(head);
    // Replacing a file by a folder works when the file is deleted in the same commit.
    await repo.commitFiles("main", { ...base, changes: [{ path: "a.sql", content: null }, { path: "a.sql/inner.sql", content: "x\n" }] });
    expect((await repo.readFile("main", "a.sql/inner.sql")).content).toBe("x\n");
  });

  it("rejects binary and oversized content and writes nothing", async () => {
    const { repo } = await setup();
    const head = await repo.headOf("main");
    const bin = await rejection(repo.commitFiles("main", { message: "m", author: ALICE, changes: [{ path: "data.bin", content: "ab\0cd" }] }));
    expect(bin).toMatchObject({ code: "invalid_input", field: "data.bin" });
    const big = "x".repeat(1024 * 1024 + 1);
    const tooBig = await rejection(repo.commitFiles("main", { message: "m", author: ALICE, changes: [{ path: "big.csv", content: big }] }));
    expect(tooBig).toMatchObject({ code: "payload_too_large", field: "big.csv" });
    expect(await repo.headOf("main")).toBe(head);
  });

  it("rejects unsafe paths on write and read", async () => {
    const { repo } = await setup();
    for (const p of ["../x", "a/../../x", "/etc/passwd", "a\\b", ".git/config", "a/.GIT/hooks/x", "", "a\0b", "a//b", "./a"]) {
      const w = await rejection(repo.commitFiles("main", { message: "m", author: ALICE, changes: [{ path: p, content: "x" }] }));
      expect(w).toMatchObject({ code: "invalid_input", field: "path" });
      expect(await rejection(repo.readFile("main", p))).toMatchObject({ code: "invalid_input", field: "path" });
    }
  });

  it("refuses to follow a symlink committed by a normal git client", async () => {
    const { repo, root } = await setup();
    const work = path.join(root, "work");
    gitClient(root, ["clone", "--quiet", repo.dir, work]);
    symlinkSync("/etc/passwd", path.join(work, "passwd-link"));
    mkdirSync(path.join(work, "sub"));
    writeFileSync(path.join(work, "sub", "ok.sql"), "select 1;\n");
    gitClient(work, ["add", "."]);
    gitClient(work, ["commit", "--quiet", "-m", "add link"]);
    gitClient(work, ["push", "--quiet", "origin", "main"]);
    const e = await rejection(repo.readFile("main", "passwd-link"));
    expect(e).toMatchObject({ code: "invalid_input", field: "path" });
    expect(e.message).toContain("symbolic link");
    expect((await repo.readFiles("main", ["sub/ok.sql"]))["sub/ok.sql"]?.content).toBe("select 1;\n");
    await expect(repo.readFiles("main", ["passwd-link"])).rejects.toMatchObject({ code: "invalid_input" });
    expect((await repo.listFiles("main")).find((f) => f.path === "passwd-link")?.mode).toBe("120000");
    expect((await repo.readAllTextFiles("main")).skipped).toEqual([{ path: "passwd-link", reason: "symlink" }]);
  });

  it("reports binary files pushed by a client without decoding them", async () => {
    const { repo, root } = await setup();
    const work = path.join(root, "work");
    gitClient(root, ["clone", "--quiet", repo.dir, work]);
    writeFileSync(path.join(work, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
    gitClient(work, ["add", "."]);
    gitClient(work, ["commit", "--quiet", "-m", "logo"]);
    gitClient(work, ["push", "--quiet", "origin", "main"]);
    expect(await repo.readFile("main", "logo.png")).toMatchObject({ isBinary: true, content: "", size: 8 });
    expect((await repo.readAllTextFiles("main")).skipped).toEqual([{ path: "logo.png", reason: "binary" }]);
  });
});
