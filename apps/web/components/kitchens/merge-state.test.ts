import { describe, expect, it } from "vitest";
import type { MergeConflict } from "./api";
import { initialResolutions, stateOf, take } from "./merge-state";

// Merging dev down into padma_feature: ours = padma_feature (child), theirs = dev (parent).
const down: MergeConflict = {
  path: "q.sql",
  base: "select 1;\n",
  ours: "select 2;\n",
  theirs: "select 3;\n",
  merged: "<<<<<<< padma_feature\nselect 2;\n=======\nselect 3;\n>>>>>>> dev\n",
};

describe("merge resolution state", () => {
  it("starts unresolved, even when git's text has no markers", () => {
    const r = initialResolutions([down, { ...down, path: "gone.sql", merged: null }]);
    expect(stateOf(r["q.sql"])).toBe("unresolved");
    expect(stateOf(r["gone.sql"])).toBe("unresolved");
  });

  it("maps parent and child to git's sides by direction", () => {
    expect(take(down, "parent", "child").content).toBe("select 3;\n");
    expect(take(down, "child", "child").content).toBe("select 2;\n");
    // Merging up the roles swap: ours is the parent.
    expect(take(down, "parent", "parent").content).toBe("select 2;\n");
  });

  it("takes both with the parent's lines first whichever side is ours", () => {
    expect(take(down, "both", "child").content).toBe("select 3;\nselect 2;\n");
    expect(take(down, "both", "parent").content).toBe("select 2;\nselect 3;\n");
  });

  it("takes whole files when git left no markers (changed on one side, deleted on the other)", () => {
    const deleted: MergeConflict = { path: "d.sql", base: "x\n", ours: null, theirs: "y\n", merged: null };
    expect(take(deleted, "child", "child")).toEqual({ content: null, touched: true });
    expect(take(deleted, "parent", "child")).toEqual({ content: "y\n", touched: true });
    expect(take(deleted, "both", "child").content).toBe("y\n");
  });

  it("is resolved only when touched and free of markers; a deletion counts", () => {
    expect(stateOf({ content: down.merged, touched: true })).toBe("markers");
    expect(stateOf({ content: "select 2;\n", touched: true })).toBe("resolved");
    expect(stateOf({ content: null, touched: true })).toBe("resolved");
  });
});
