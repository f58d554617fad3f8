import { describe, expect, it } from "vitest";
import { parseCatFileBatch, parseLog, parseLsTree, parseMergeTree, parseNameStatus, patchHeaderPath, splitPatch } from "./parse";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);

describe("git output parsers", () => {
  it("parses ls-tree -z -l, including paths with spaces and non-ASCII characters", () => {
    const out = Buffer.from(`100644 blob ${A}      12\tdir/é x.sql\x00120000 blob ${B}       3\tlink\x00040000 tree ${C}       -\tsub\x00`);
    expect(parseLsTree(out)).toEqual([
      { mode: "100644", type: "blob", sha: A, size: 12, path: "dir/é x.sql" },
      { mode: "120000", type: "blob", sha: B, size: 3, path: "link" },
      { mode: "040000", type: "tree", sha: C, size: -1, path: "sub" },
    ]);
    expect(parseLsTree(Buffer.alloc(0))).toEqual([]);
  });

  it("parses name-status -z", () => {
    expect(parseNameStatus(Buffer.from("A\x00new.sql\x00D\x00old.sql\x00M\x00a b.sql\x00T\x00link\x00"))).toEqual([
      { path: "new.sql", status: "added" },
      { path: "old.sql", status: "deleted" },
      { path: "a b.sql", status: "modified" },
      { path: "link", status: "modified" },
    ]);
  });

  it("splits a patch by file, joining the two chunks of a type change", () => {
    const text = [
      "diff --git a/a.sql b/a.sql\nindex 1..2 100644\n--- a/a.sql\n+++ b/a.sql\n@@ -1 +1 @@\n-diff --git x\n+y\n",
      'diff --git "a/t\\303\\251\\tx" "b/t\\303\\251\\tx"\nnew file mode 100644\n',
      "diff --git a/l b/l\ndeleted file mode 120000\n",
      "diff --git a/l b/l\nnew file mode 100644\n",
    ].join("");
    const byPath = splitPatch(text);
    expect([...byPath.keys()]).toEqual(["a.sql", "té\tx", "l"]);
    expect(byPath.get("a.sql")).toContain("-diff --git x\n+y\n");
    expect(byPath.get("l")).toBe("diff --git a/l b/l\ndeleted file mode 120000\ndiff --git a/l b/l\nnew file mode 100644\n");
    expect(patchHeaderPath("diff --git a/with space b/with space")).toBe("with space");
  });

  it("parses log -z records with multi-line messages", () => {
    const out = Buffer.from(`${A}\x00${B} ${C}\x00Padma\x00p@x\x002024-01-01T00:00:00+00:00\x00Merge\n\nbody\n\x00${B}\x00\x00Eve\x00e@x\x002024-01-01T00:00:00+00:00\x00root\n\x00`);
    expect(parseLog(out)).toEqual([
      { sha: A, parents: [B, C], author: "Padma", email: "p@x", date: "2024-01-01T00:00:00+00:00", message: "Merge\n\nbody" },
      { sha: B, parents: [], author: "Eve", email: "e@x", date: "2024-01-01T00:00:00+00:00", message: "root" },
    ]);
  });

  it("parses merge-tree --write-tree -z with stages and messages", () => {
    const out = Buffer.from(
      `${A}\x00100644 ${B} 1\tf\x00100644 ${C} 2\tf\x00100644 ${A} 3\tf\x00\x00` + `1\x00f\x00Auto-merging\x00Auto-merging f\n\x00` + `1\x00f\x00CONFLICT (contents)\x00CONFLICT (content): Merge conflict in f\n\x00`,
    );
    expect(parseMergeTree(out)).toEqual({
      tree: A,
      stages: [
        { mode: "100644", sha: B, stage: 1, path: "f" },
        { mode: "100644", sha: C, stage: 2, path: "f" },
        { mode: "100644", sha: A, stage: 3, path: "f" },
      ],
      messages: [
        { paths: ["f"], type: "Auto-merging", message: "Auto-merging f" },
        { paths: ["f"], type: "CONFLICT (contents)", message: "CONFLICT (content): Merge conflict in f" },
      ],
    });
    expect(parseMergeTree(Buffer.from(`${A}\x00`))).toEqual({ tree: A, stages: [], messages: [] });
  });

  it("parses cat-file --batch output, binary content and missing objects", () => {
    const out = Buffer.concat([
      Buffer.from(`${A} blob 3\n`),
      Buffer.from([0, 10, 1]),
      Buffer.from(`\n${B} missing\n${C} blob 0\n\n`),
    ]);
    const parsed = parseCatFileBatch(out);
    expect(parsed[0]).toEqual({ sha: A, type: "blob", content: Buffer.from([0, 10, 1]) });
    expect(parsed[1]).toBeNull();
    expect(parsed[2]).toEqual({ sha: C, type: "blob", content: Buffer.alloc(0) });
  });
});
