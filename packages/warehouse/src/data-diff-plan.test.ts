import { describe, expect, it } from "vitest";
import { bucketCount, compareKeyedHashes, differingBuckets, planDiff } from "./data-diff-plan";

describe("planDiff", () => {
  const target = [{ name: "id", type: "integer" }, { name: "total", type: "numeric" }, { name: "note", type: "text" }, { name: "gone", type: "text" }];
  const source = [{ name: "id", type: "integer" }, { name: "total", type: "bigint" }, { name: "note", type: "text" }, { name: "fresh", type: "date" }];

  it("reports added, dropped and retyped columns and compares the common ones", () => {
    const p = planDiff(source, target, ["id"], "orders");
    expect(p.schema.added).toEqual([{ name: "fresh", type: "date" }]);
    expect(p.schema.dropped).toEqual([{ name: "gone", type: "text" }]);
    expect(p.schema.retyped).toEqual([{ name: "total", from: "numeric", to: "bigint" }]);
    expect(p.compared).toEqual([{ name: "total", asText: true }, { name: "note", asText: false }]);
  });

  it("refuses a diff without a key, or with a key missing on one side, naming the table", () => {
    expect(() => planDiff(source, target, [], "orders")).toThrow(/orders: no key/);
    expect(() => planDiff(source, target, ["gone"], "orders")).toThrow(/orders: key column "gone" is not on both sides/);
  });
});

describe("bucket helpers", () => {
  it("sizes buckets by rows, within bounds", () => {
    expect(bucketCount(0)).toBe(16);
    expect(bucketCount(1_000_000)).toBe(125_000);
    expect(bucketCount(1e12)).toBe(1 << 20);
  });

  it("finds buckets that differ by count, by sum, or exist on one side only", () => {
    const a = [{ bucket: 1, n: 2, sum: "10" }, { bucket: 2, n: 1, sum: "5" }, { bucket: 3, n: 1, sum: "7" }];
    const b = [{ bucket: 1, n: 2, sum: "10" }, { bucket: 2, n: 1, sum: "6" }, { bucket: 4, n: 1, sum: "1" }];
    expect(differingBuckets(a, b)).toEqual([2, 3, 4]);
  });

  it("matches keyed hashes into added, removed and changed", () => {
    const s = [{ key: "(1)", hash: "a" }, { key: "(2)", hash: "b" }, { key: "(4)", hash: "d" }];
    const t = [{ key: "(1)", hash: "a" }, { key: "(2)", hash: "x" }, { key: "(3)", hash: "c" }];
    expect(compareKeyedHashes(s, t)).toEqual({ added: ["(4)"], removed: ["(3)"], changed: ["(2)"] });
  });
});
