import { afterEach, describe, expect, it } from "vitest";
import { AnalyticsRepo } from "./analytics-repo";
import type { MergeConflict } from "./types";
import { ALICE, tempRepo } from "./testing/temp-repo";

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function setup(files: Record<string, string>) {
  const t = await tempRepo(files);
  cleanups.push(t.cleanup);
  await t.repo.createBranch("dev", "main");
  return t.repo;
}

const write = (repo: AnalyticsRepo, branch: string, changes: Record<string, string | null>, message = "change") =>
  repo.commitFiles(branch, { changes: Object.entries(changes).map(([path, content]) => ({ path, content })), message, author: ALICE });

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string; field?: string; details?: { conflicts: MergeConflict[]; missing: string[] } };
  }
  throw new Error("expected a rejection");
}

const BASE = { "a.sql": "line1\nline2\nline3\n", "b.sql": "b\n", "c.sql": "c\n" };

describe("compare", () => {
  it("counts commits both ways and diffs head against the merge base", async () => {
    const repo = await setup(BASE);
    await write(repo, "dev", { "a.sql": "line1\nCHANGED\nline3\n", "new.sql": "n\n" });
    await write(repo, "dev", { "c.sql": null });
    await write(repo, "main", { "b.sql": "b on main\n" });
    const c = await repo.compare("main", "dev");
    expect(c).toMatchObject({ ahead: 2, behind: 1 });
    expect(c.mergeBase).toMatch(/^[0-9a-f]{40}$/);
    expect(c.files).toEqual([
      { path: "a.sql", status: "modified" },
      { path: "c.sql", status: "deleted" },
      { path: "new.sql", status: "added" },
    ]);
    expect(c.diff.find((d) => d.path === "a.sql")?.patch).toContain("-line2\n+CHANGED");
    expect(c.diff.find((d) => d.path === "new.sql")?.patch).toContain("+n");
  });
});

describe("merge", () => {
  it("fast-forwards when target has not moved", async () => {
    const repo = await setup(BASE);
    const devHead = await write(repo, "dev", { "a.sql": "x\n" });
    const preview = await repo.mergePreview("dev", "main");
    expect(preview).toMatchObject({ fastForward: true, upToDate: false, conflicts: [], files: [{ path: "a.sql", status: "modified" }] });
    expect(await repo.merge("dev", "main", { author: ALICE })).toEqual({ commit: devHead, fastForward: true, upToDate: false });
    expect(await repo.headOf("main")).toBe(devHead);
    expect(await repo.mergePreview("dev", "main")).toMatchObject({ upToDate: true, files: [] });
    expect(await repo.merge("dev", "main", { author: ALICE })).toEqual({ commit: devHead, fastForward: false, upToDate: true });
  });

  it("merges clean divergent branches with a two-parent commit", async () => {
    const repo = await setup(BASE);
    const devHead = await write(repo, "dev", { "a.sql": "line1\nline2\nline3 dev\n" });
    const mainHead = await write(repo, "main", { "b.sql": "b main\n" });
    const preview = await repo.mergePreview("dev", "main");
    expect(preview).toMatchObject({ sourceHead: devHead, targetHead: mainHead, fastForward: false, upToDate: false, conflicts: [] });
    expect(preview.files).toEqual([{ path: "a.sql", status: "modified" }]);
    const result = await repo.merge("dev", "main", { author: ALICE, expectedTargetHead: mainHead });
    expect(result.fastForward).toBe(false);
    const [entry] = await repo.log("main", { limit: 1 });
    expect(entry).toMatchObject({ sha: result.commit, parents: [mainHead, devHead], message: "Merge dev into main" });
    expect((await repo.readFile("main", "a.sql")).content).toBe("line1\nline2\nline3 dev\n");
    expect((await repo.readFile("main", "b.sql")).content).toBe("b main\n");
  });

  it("reports conflicts with base, ours, theirs and marker text, and writes nothing", async () => {
    const repo = await setup(BASE);
    await write(repo, "dev", { "a.sql": "line1\nDEV\nline3\n", "b.sql": null, "clean.sql": "ok\n" });
    const mainHead = await write(repo, "main", { "a.sql": "line1\nMAIN\nline3\n", "b.sql": "b main\n" });
    const preview = await repo.mergePreview("dev", "main");
    expect(preview.conflicts.map((c) => c.path)).toEqual(["a.sql", "b.sql"]);
    const a = preview.conflicts[0];
    expect(a).toMatchObject({ base: BASE["a.sql"], ours: "line1\nMAIN\nline3\n", theirs: "line1\nDEV\nline3\n", isBinary: false });
    expect(a.merged).toBe("line1\n<<<<<<< main\nMAIN\n=======\nDEV\n>>>>>>> dev\nline3\n");
    expect(preview.conflicts[1]).toMatchObject({ path: "b.sql", base: "b\n", ours: "b main\n", theirs: null });
    expect(preview.files).toContainEqual({ path: "clean.sql", status: "added" });

    const e = await rejection(repo.merge("dev", "main", { author: ALICE }));
    expect(e).toMatchObject({ code: "conflict", message: "2 files conflict: a.sql, b.sql" });
    expect(e.details?.conflicts.map((c) => c.path)).toEqual(["a.sql", "b.sql"]);
    const partial = await rejection(repo.merge("dev", "main", { author: ALICE, resolutions: { "a.sql": "line1\nBOTH\nline3\n" } }));
    expect(partial).toMatchObject({ code: "conflict" });
    expect(partial.details?.missing).toEqual(["b.sql"]);
    expect(await repo.headOf("main")).toBe(mainHead);
  });

  it("commits a merge once every conflict is resolved", async () => {
    const repo = await setup(BASE);
    const devHead = await write(repo, "dev", { "a.sql": "line1\nDEV\nline3\n", "b.sql": null, "clean.sql": "ok\n" });
    const mainHead = await write(repo, "main", { "a.sql": "line1\nMAIN\nline3\n", "b.sql": "b main\n" });
    const extra = await rejection(repo.merge("dev", "main", { author: ALICE, resolutions: { "a.sql": "x\n", "b.sql": null, "c.sql": "no\n" } }));
    expect(extra).toMatchObject({ code: "invalid_input", field: "resolutions" });
    const result = await repo.merge("dev", "main", {
      author: ALICE,
      message: "Merge dev, keep both",
      expectedTargetHead: mainHead,
      resolutions: { "a.sql": "line1\nMAIN\nDEV\nline3\n", "b.sql": null },
    });
    const [entry] = await repo.log("main", { limit: 1 });
    expect(entry).toMatchObject({ sha: result.commit, parents: [mainHead, devHead], message: "Merge dev, keep both" });
    expect((await repo.readFile("main", "a.sql")).content).toBe("line1\nMAIN\nDEV\nline3\n");
    expect((await repo.readFile("main", "clean.sql")).content).toBe("ok\n");
    expect(await repo.readFiles("main", ["b.sql"])).toEqual({ "b.sql": null });
    expect(await repo.mergePreview("dev", "main")).toMatchObject({ upToDate: true });
  });

  it("refuses a merge previewed against a head that has moved", async () => {
    const repo = await setup(BASE);
    await write(repo, "dev", { "a.sql": "dev\n" });
    const before = await repo.headOf("main");
    await write(repo, "main", { "b.sql": "moved\n" });
    expect(await rejection(repo.merge("dev", "main", { author: ALICE, expectedTargetHead: before }))).toMatchObject({
      code: "conflict",
      field: "expectedTargetHead",
    });
  });

  it("lets exactly one of two concurrent merges into one target win", async () => {
    const repo = await setup(BASE);
    await repo.createBranch("padma", "dev");
    await repo.createBranch("chris", "dev");
    const padma = await write(repo, "padma", { "a.sql": "line1\nline2\nline3 padma\n" });
    const chris = await write(repo, "chris", { "c.sql": "c chris\n" });
    const devBefore = await write(repo, "dev", { "b.sql": "dev moved\n" });
    const results = await Promise.allSettled([repo.merge("padma", "dev", { author: ALICE }), repo.merge("chris", "dev", { author: ALICE })]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toMatchObject({ code: "conflict" });
    const head = await repo.headOf("dev");
    expect(head).toBe((won[0] as PromiseFulfilledResult<{ commit: string }>).value.commit);
    const [entry] = await repo.log("dev", { limit: 1 });
    expect(entry.parents[0]).toBe(devBefore);
    expect([padma, chris]).toContain(entry.parents[1]);
    // The loser can simply retry on top of the winner.
    const retried = await repo.merge(entry.parents[1] === padma ? "chris" : "padma", "dev", { author: ALICE });
    expect((await repo.log("dev", { limit: 1 }))[0].parents).toEqual([head, entry.parents[1] === padma ? chris : padma]);
    expect(retried.fastForward).toBe(false);
  });
});

describe("revert", () => {
  it("reverts the head, an older commit and a merge", async () => {
    const repo = await setup(BASE);
    const c1 = await write(repo, "main", { "a.sql": "line1\nline2 changed\nline3\n" }, "Change a");
    await write(repo, "main", { "b.sql": "b2\n" }, "Change b");
    const r1 = await repo.revert("main", { sha: c1, author: ALICE });
    expect((await repo.readFile("main", "a.sql")).content).toBe(BASE["a.sql"]);
    expect((await repo.readFile("main", "b.sql")).content).toBe("b2\n");
    expect((await repo.log("main", { limit: 1 }))[0]).toMatchObject({ sha: r1, message: `Revert "Change a"\n\nThis reverts commit ${c1}.` });

    await repo.revert("main", { author: ALICE });
    expect((await repo.readFile("main", "a.sql")).content).toBe("line1\nline2 changed\nline3\n");

    await write(repo, "dev", { "new.sql": "from dev\n", "c.sql": "c dev\n" });
    const { commit: mergeCommit } = await repo.merge("dev", "main", { author: ALICE });
    await write(repo, "main", { "b.sql": "after merge\n" });
    await repo.revert("main", { sha: mergeCommit, author: ALICE });
    expect(await repo.readFiles("main", ["new.sql", "c.sql", "b.sql"])).toMatchObject({
      "new.sql": null,
      "c.sql": { content: "c\n" },
      "b.sql": { content: "after merge\n" },
    });
  });

  it("refuses reverts that conflict with later work or are not on the branch", async () => {
    const repo = await setup(BASE);
    const c1 = await write(repo, "main", { "a.sql": "line1\nfirst\nline3\n" });
    const c2 = await write(repo, "main", { "a.sql": "line1\nsecond\nline3\n" });
    expect(await rejection(repo.revert("main", { sha: c1, author: ALICE }))).toMatchObject({ code: "conflict", field: "sha" });
    expect(await repo.headOf("main")).toBe(c2);
    const devOnly = await write(repo, "dev", { "c.sql": "dev\n" });
    expect(await rejection(repo.revert("main", { sha: devOnly, author: ALICE }))).toMatchObject({ code: "invalid_input", field: "sha" });
    expect(await rejection(repo.revert("main", { sha: "f".repeat(40), author: ALICE }))).toMatchObject({ code: "not_found" });
  });
});

describe("merge drivers", () => {
  // A driver that knows the format: a set of lines, merged as a union; "give up" makes it decline.
  const unionLines = ({ base, ours, theirs }: { base: string | null; ours: string | null; theirs: string | null }) => {
    if ((ours ?? "").includes("give up")) return undefined;
    void base;
    return [...new Set([...(ours ?? "").split("\n"), ...(theirs ?? "").split("\n")].filter(Boolean))].sort().join("\n") + "\n";
  };

  it("a conflicted file with a driver is merged by it, in the preview and the merge alike; others stay conflicts", async () => {
    const plain = await setup(BASE);
    const repo = new AnalyticsRepo(plain.dir, { mergeDrivers: { "set.txt": unionLines } });
    await write(repo, "dev", { "set.txt": "x\ny\n", "a.sql": "line1\nDEV\nline3\n" });
    await write(repo, "main", { "set.txt": "w\ny\n", "a.sql": "line1\nMAIN\nline3\n" });
    const preview = await repo.mergePreview("dev", "main");
    expect(preview.conflicts.map((c) => c.path)).toEqual(["a.sql"]);
    expect((await plain.mergePreview("dev", "main")).conflicts.map((c) => c.path)).toEqual(["a.sql", "set.txt"]);
    const r = await repo.merge("dev", "main", { author: ALICE, resolutions: { "a.sql": "line1\nBOTH\nline3\n" } });
    expect(await repo.headOf("main")).toBe(r.commit);
    expect((await repo.readFile("main", "set.txt")).content).toBe("w\nx\ny\n");
    expect((await repo.readFile("main", "a.sql")).content).toBe("line1\nBOTH\nline3\n");
  });

  it("a driver that declines leaves the file to a person", async () => {
    const plain = await setup(BASE);
    const repo = new AnalyticsRepo(plain.dir, { mergeDrivers: { "set.txt": unionLines } });
    await write(repo, "dev", { "set.txt": "x\n" });
    await write(repo, "main", { "set.txt": "give up\n" });
    expect((await repo.mergePreview("dev", "main")).conflicts.map((c) => c.path)).toEqual(["set.txt"]);
    const e = await rejection(repo.merge("dev", "main", { author: ALICE }));
    expect(e.code).toBe("conflict");
    expect(e.details?.missing).toEqual(["set.txt"]);
  });
});
