import { describe, expect, it } from "vitest";
import { changedPipelines, checkStateOf, defaultMergeRules, effectiveMergeRules, evaluateRequest, mayMerge, type RequestFacts } from "./merge-rules";

const prod = defaultMergeRules("production");
const eric = { id: "eric", role: "production", isTargetStaff: true };
const chris = { id: "chris", role: "dataops", isTargetStaff: true };
const base: RequestFacts = { rules: prod, status: "open", authorId: "chris", head: "h2", reviews: [], checks: [{ pipeline: "orders_daily", state: "passed" }], conflicts: [], upToDate: false };

describe("evaluateRequest", () => {
  it("production needs an approval by a production engineer on the latest commit", () => {
    const v = evaluateRequest(base);
    expect(v.mergeable).toBe(false);
    expect(v.missing).toEqual(["needs 1 approval by a production engineer on the latest commit (has 0)"]);
    expect(evaluateRequest({ ...base, reviews: [{ ...eric, verdict: "approved", commit: "h2" }] }).mergeable).toBe(true);
  });

  it("an approval on an older commit is stale; the author and the wrong role do not count", () => {
    const v = evaluateRequest({ ...base, reviews: [{ ...eric, verdict: "approved", commit: "h1" }, { ...chris, verdict: "approved", commit: "h2" }] });
    expect(v.approvals).toEqual({ fresh: 0, stale: 1, needed: 1 });
    expect(v.missing[0]).toMatch(/has 0; 1 stale after new commits/);
    const byAuthor = evaluateRequest({ ...base, authorId: "eric", reviews: [{ ...eric, verdict: "approved", commit: "h2" }] });
    expect(byAuthor.mergeable).toBe(false);
  });

  it("red, running and missing checks block when green checks are required, each named", () => {
    const v = evaluateRequest({
      ...base,
      reviews: [{ ...eric, verdict: "approved", commit: "h2" }],
      checks: [{ pipeline: "a", state: "failed" }, { pipeline: "b", state: "pending" }, { pipeline: "c", state: "missing" }, { pipeline: "d", state: "warned" }],
    });
    expect(v.missing).toEqual([
      "check a failed: fix it and run it again in the source Kitchen",
      "check b is still running",
      "check c has no run at the latest commit: run it in the source Kitchen",
    ]);
    const dev = evaluateRequest({ ...base, rules: defaultMergeRules("development"), checks: [{ pipeline: "a", state: "failed" }] });
    expect(dev.mergeable).toBe(true);
  });

  it("changes requested on the latest commit, conflicts, closed and empty requests block", () => {
    expect(evaluateRequest({ ...base, rules: defaultMergeRules("development"), reviews: [{ ...chris, id: "x", verdict: "changes_requested", commit: "h2" }] }).missing).toEqual([
      "changes requested by 1 reviewer on the latest commit",
    ]);
    const v = evaluateRequest({ ...base, rules: defaultMergeRules("development"), status: "closed", conflicts: ["a.sql"], upToDate: true });
    expect(v.missing).toHaveLength(3);
  });
});

describe("rules", () => {
  it("stored rules are used when valid, else the environment's defaults", () => {
    expect(effectiveMergeRules(null, "development").requireRequest).toBe(false);
    expect(effectiveMergeRules({ approvals: 2 }, "development")).toMatchObject({ approvals: 2, approvers: "staff", requireRequest: false });
    expect(effectiveMergeRules({ approvals: 99 }, "production")).toEqual(defaultMergeRules("production"));
  });

  it("who may merge", () => {
    expect(mayMerge(prod, { ...eric, canWriteTarget: true })).toBe(true);
    expect(mayMerge(prod, { ...chris, canWriteTarget: false })).toBe(false);
    expect(mayMerge(defaultMergeRules("development"), { ...chris, canWriteTarget: true })).toBe(true);
    expect(mayMerge(defaultMergeRules("development"), { id: "p", role: "developer", isTargetStaff: false, canWriteTarget: false })).toBe(false);
  });

  it("check states and changed pipelines", () => {
    expect([checkStateOf(undefined), checkStateOf({ status: "succeeded", warnings: 0 }), checkStateOf({ status: "succeeded", warnings: 2 }), checkStateOf({ status: "running", warnings: 0 }), checkStateOf({ status: "cancelled", warnings: 0 })]).toEqual([
      "missing",
      "passed",
      "warned",
      "pending",
      "failed",
    ]);
    expect(changedPipelines(["README.md", "pipelines/b/x.sql", "pipelines/a/pipeline.yaml", "pipelines/b/pipeline.yaml"])).toEqual(["a", "b"]);
  });
});
