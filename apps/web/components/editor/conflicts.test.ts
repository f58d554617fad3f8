import { describe, expect, it } from "vitest";
import { countConflicts, hasConflictMarkers, resolveConflicts } from "./conflicts";

const merged = ["a", "<<<<<<< padma", "child line", "=======", "parent line", ">>>>>>> dev", "b", "<<<<<<< padma", "x1", "||||||| base", "x0", "=======", "x2", ">>>>>>> dev", "c"].join("\n");

describe("conflict markers", () => {
  it("finds conflict blocks, not a lone ======= line", () => {
    expect(hasConflictMarkers(merged)).toBe(true);
    expect(countConflicts(merged)).toBe(2);
    expect(hasConflictMarkers("title\n=======\ntext")).toBe(false);
  });

  it("settles every block with one side and keeps the cleanly merged lines", () => {
    expect(resolveConflicts(merged, "ours")).toBe("a\nchild line\nb\nx1\nc");
    expect(resolveConflicts(merged, "theirs")).toBe("a\nparent line\nb\nx2\nc");
  });

  it("keeps both sides in either order and drops diff3 base sections", () => {
    expect(resolveConflicts(merged, "both")).toBe("a\nchild line\nparent line\nb\nx1\nx2\nc");
    expect(resolveConflicts(merged, "both-theirs-first")).toBe("a\nparent line\nchild line\nb\nx2\nx1\nc");
  });

  it("leaves an unterminated block untouched rather than half-resolved", () => {
    const broken = "a\n<<<<<<< padma\nx\n=======\ny";
    expect(resolveConflicts(broken, "ours")).toBe(broken);
  });
});
