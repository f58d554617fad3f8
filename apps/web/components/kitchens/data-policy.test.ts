import { describe, expect, it } from "vitest";
import { describePolicy, toDataPolicy } from "./data-policy";

const seedDev = { default: "sample", sample: { percent: 50 }, masks: { customers: { email: { kind: "fake" } } } };

describe("data policy of the create form", () => {
  it("describes a policy in one line", () => {
    expect(describePolicy({ default: "view" })).toBe("views onto the parent's tables (zero copy)");
    expect(describePolicy(seedDev)).toBe("a 50% sample of the parent's tables, 1 masked column");
  });

  it("sends nothing for the untouched default", () => {
    expect(toDataPolicy({ mode: "default", percent: 10, masks: [] }, seedDev)).toBeUndefined();
  });

  it("sends an override with its sample size", () => {
    expect(toDataPolicy({ mode: "sample", percent: 5, masks: [] }, seedDev)).toEqual({ default: "sample", sample: { percent: 5 } });
    expect(toDataPolicy({ mode: "copy", percent: 5, masks: [] }, seedDev)).toEqual({ default: "copy" });
  });

  it("adds masks to the environment's default without dropping its own", () => {
    const p = toDataPolicy({ mode: "default", percent: 10, masks: [{ table: "customers", column: "name", kind: "hash" }, { table: " ", column: "x", kind: "null" }] }, seedDev);
    expect(p).toEqual({ default: "sample", sample: { percent: 50 }, masks: { customers: { email: { kind: "fake" }, name: { kind: "hash" } } } });
    expect(seedDev.masks.customers).toEqual({ email: { kind: "fake" } });
  });

  it("gives fixed masks their value", () => {
    expect(toDataPolicy({ mode: "copy", percent: 10, masks: [{ table: "t", column: "c", kind: "fixed", value: "***" }] }, {})).toEqual({ default: "copy", masks: { t: { c: { kind: "fixed", value: "***" } } } });
  });
});
