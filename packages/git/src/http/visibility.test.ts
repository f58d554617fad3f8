import { describe, expect, it } from "vitest";
import { visibilityConfig } from "./handle-git-http";

describe("visibilityConfig", () => {
  it("hides every ref, then carves out the visible branches, with every *SHA1InWant off", () => {
    const c = visibilityConfig(["dev", "padma_feature"], "production");
    expect(c).toContainEqual(["uploadpack.allowTipSHA1InWant", "false"]);
    expect(c).toContainEqual(["uploadpack.allowReachableSHA1InWant", "false"]);
    expect(c).toContainEqual(["uploadpack.allowAnySHA1InWant", "false"]);
    const hide = c.filter(([k]) => k === "transfer.hideRefs").map(([, v]) => v);
    // Order matters: git lets the last matching entry win.
    expect(hide).toEqual(["refs/", "!refs/heads/dev", "!refs/heads/padma_feature", "HEAD"]);
  });

  it("keeps HEAD when it points to a visible branch", () => {
    expect(visibilityConfig(["production"], "production").map(([, v]) => v)).not.toContain("HEAD");
    expect(visibilityConfig([], null).filter(([k]) => k === "transfer.hideRefs").map(([, v]) => v)).toEqual(["refs/", "HEAD"]);
  });
});
