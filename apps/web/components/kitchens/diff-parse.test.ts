import { describe, expect, it } from "vitest";
import { parsePatch } from "./diff-parse";

describe("parsePatch", () => {
  it("numbers old and new lines from the hunk headers and counts changes", () => {
    const patch = [
      "diff --git a/t.sql b/t.sql",
      "index 1111111..2222222 100644",
      "--- a/t.sql",
      "+++ b/t.sql",
      "@@ -3,3 +3,4 @@ header",
      " keep",
      "-old",
      "+new",
      "+added",
      " tail",
      "\\ No newline at end of file",
      "",
    ].join("\n");
    const { rows, added, removed } = parsePatch(patch);
    expect(added).toBe(2);
    expect(removed).toBe(1);
    expect(rows[0]).toEqual({ kind: "hunk", text: "@@ -3,3 +3,4 @@ header" });
    expect(rows.slice(1, 6)).toEqual([
      { kind: "ctx", text: "keep", old: 3, new: 3 },
      { kind: "del", text: "old", old: 4, new: null },
      { kind: "add", text: "new", old: null, new: 4 },
      { kind: "add", text: "added", old: null, new: 5 },
      { kind: "ctx", text: "tail", old: 5, new: 6 },
    ]);
    expect(rows[6]).toEqual({ kind: "note", text: "No newline at end of file" });
  });

  it("keeps new-file and binary notes from the header", () => {
    const { rows, binary } = parsePatch("diff --git a/x.png b/x.png\nnew file mode 100644\nBinary files /dev/null and b/x.png differ\n");
    expect(binary).toBe(true);
    expect(rows.map((r) => r.text)).toEqual(["new file mode 100644", "binary file changed"]);
  });
});
