import { describe, expect, it } from "vitest";
import { effectiveParameters } from "./parameters";

const pipeline = {
  parameters: { a: { default: 1 }, b: { default: "two" }, c: { default: true }, d: { default: "dee" } },
  variations: { v: { include_upstream: false, parameters: { a: 10, b: "v-b", c: false } } },
};

describe("effectiveParameters", () => {
  it("applies run > Kitchen override > variation > default, with each value's source", () => {
    expect(effectiveParameters(pipeline, { a: 100, b: "kitchen-b" }, { a: 1000 }, "v")).toEqual({
      a: { value: 1000, source: "run" },
      b: { value: "kitchen-b", source: "kitchen" },
      c: { value: false, source: "variation" },
      d: { value: "dee", source: "default" },
    });
  });

  it("uses defaults when nothing overrides them", () => {
    expect(effectiveParameters(pipeline)).toEqual({
      a: { value: 1, source: "default" },
      b: { value: "two", source: "default" },
      c: { value: true, source: "default" },
      d: { value: "dee", source: "default" },
    });
  });

  it("rejects unknown run parameters and ignores unknown Kitchen overrides", () => {
    expect(() => effectiveParameters(pipeline, {}, { typo: 1 })).toThrow('unknown parameter "typo": the pipeline declares "a", "b", "c", "d"');
    expect(effectiveParameters(pipeline, { gone: 1 }).a.source).toBe("default");
  });

  it("rejects unknown variations", () => {
    expect(() => effectiveParameters(pipeline, {}, {}, "nope")).toThrow('unknown variation "nope": the pipeline has "v"');
  });
});
