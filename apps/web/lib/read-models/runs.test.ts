import { describe, expect, it } from "vitest";
import { topologicalOrder } from "./runs";

describe("topologicalOrder", () => {
  it("puts upstream nodes first and keeps the file's order among equals", () => {
    // jsonb hands the keys back sorted its own way; the run page must not follow that order.
    const deps = { report: ["load"], load: ["extract", "clean"], extract: [], clean: [] };
    expect(topologicalOrder(deps, ["extract", "clean", "load", "report"])).toEqual(["extract", "clean", "load", "report"]);
    expect(topologicalOrder(deps, ["clean", "extract", "load", "report"])).toEqual(["clean", "extract", "load", "report"]);
  });

  it("ignores dependencies outside the run and still lists every node of a cycle", () => {
    expect(topologicalOrder({ b: ["a"], c: ["b"] }, ["a", "b", "c"])).toEqual(["b", "c"]);
    expect(topologicalOrder({ x: ["y"], y: ["x"], z: [] }, ["x", "y", "z"])).toEqual(["z", "x", "y"]);
  });
});
