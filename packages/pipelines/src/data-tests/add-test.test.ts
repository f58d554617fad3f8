import { describe, expect, it } from "vitest";
import { DEMO_YAML } from "../fixtures/demo-pipeline";
import { parsePipeline } from "../parse-pipeline";
import { addTestToPipelineYaml } from "./add-test";

const FILE = "pipelines/orders_daily/pipeline.yaml";

describe("addTestToPipelineYaml", () => {
  it("appends the test to the node's list and keeps the rest of the file", () => {
    const out = addTestToPipelineYaml(DEMO_YAML, "transform", { name: "region_set", metric: { not_null: { table: "orders_clean", column: "region" } }, level: "fail" });
    expect(out).toContain("      - name: region_set\n        metric: { not_null: { table: orders_clean, column: region } }\n        level: fail\n");
    expect(out.replace(/      - name: region_set\n.*\n.*\n/, "")).toBe(DEMO_YAML);
    const p = parsePipeline({ path: FILE, content: out });
    expect(p.errors).toEqual([]);
    expect(p.pipeline!.nodes[1].tests.at(-1)).toEqual({ name: "region_set", metric: { not_null: { table: "orders_clean", column: "region" } }, level: "fail" });
  });

  it("creates the tests list of a node without one, quoting the check", () => {
    const out = addTestToPipelineYaml(DEMO_YAML, "record_summary", { name: "history_grows", metric: { row_count: "summary_history" }, check: "> 0", level: "warn" });
    const p = parsePipeline({ path: FILE, content: out });
    expect(p.errors).toEqual([]);
    expect(p.pipeline!.nodes[3].tests).toEqual([{ name: "history_grows", metric: { row_count: { table: "summary_history" } }, check: "> 0", level: "warn" }]);
  });

  it("refuses a bad test naming the field, an unknown node and a duplicate name", () => {
    expect(() => addTestToPipelineYaml(DEMO_YAML, "transform", { name: "x", metric: { row_count: "t" }, level: "fail" })).toThrow(/^test\.check: a fail test on the row_count metric needs a check/);
    expect(() => addTestToPipelineYaml(DEMO_YAML, "transform", { name: "x", metric: { row_count: "t" }, check: "> > 1", level: "fail" })).toThrow(/^test\.check: check "> > 1": expected a number/);
    expect(() => addTestToPipelineYaml(DEMO_YAML, "nope", { name: "x", metric: "duration", level: "log" })).toThrow('node "nope" is not in this pipeline');
    expect(() => addTestToPipelineYaml(DEMO_YAML, "transform", { name: "has_rows", metric: "duration", level: "log" })).toThrow('node "transform" already has a test named "has_rows"');
  });
});
