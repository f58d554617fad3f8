import { describe, expect, it } from "vitest";
import { isAppError } from "@galley/core";
import { compilePipeline, resolveVariables, type CompileContext } from "./compile-pipeline";
import { DEMO_TRANSFORM_SQL, DEMO_YAML } from "./fixtures/demo-pipeline";
import { parsePipeline } from "./parse-pipeline";

// The demo with a secret from the vault in both container nodes (the demo itself needs none: the
// worker gives containers the Kitchen's own credentials).
const WITH_SECRET = DEMO_YAML.replace(/\n    env:\n/g, '\n    env:\n      PGPASSWORD: "{{vault.LOADER_TOKEN}}"\n');
const { pipeline } = parsePipeline({ path: "pipelines/orders_daily/pipeline.yaml", content: WITH_SECRET, sources: { "transform.sql": DEMO_TRANSFORM_SQL } });
const ctx: CompileContext = {
  kitchen: "dev_anna",
  schema: "k_dev_anna",
  environment: "dev",
  runId: "run_7",
  params: { min_amount: 25 },
  overrides: { runner_image: "registry.local/runner:2", min_amount: 5 },
  vaultNames: ["LOADER_TOKEN"],
};

describe("compilePipeline", () => {
  const compiled = compilePipeline(pipeline!, ctx);

  it("resolves every variable except upstream outputs, and shows *** for secrets", () => {
    const [load, transform, , record] = compiled.nodes;
    expect(load).toMatchObject({ image: "registry.local/runner:2", env: { PGPASSWORD: "***", PGAPPNAME: "galley orders_daily run_7", LOADED_BY: "dev_anna" } });
    expect((transform as { sql: string }).sql).toContain("-- search_path is the Kitchen's schema (k_dev_anna)");
    expect((transform as { sql: string }).sql).toContain(">= 25;");
    expect((record as { sql: string }).sql).toContain("values ('run_7', {{outputs.summary.orders}}, {{outputs.summary.revenue}}, '{{outputs.summary.top_region}}');");
  });

  it("contains no secret value anywhere, even when the caller knows them", () => {
    const json = JSON.stringify(compiled);
    expect(json).not.toContain("{{vault.");
    expect(json).not.toContain("s3cr3t");
  });

  it("records the parameters with their sources and the variables table", () => {
    expect(compiled.parameters).toEqual({
      min_amount: { value: 25, source: "run" },
      runner_image: { value: "registry.local/runner:2", source: "kitchen" },
    });
    expect(compiled.variables).toMatchObject({
      CurrentKitchen: { value: "dev_anna", source: "context" },
      "run.id": { value: "run_7", source: "context" },
      "params.min_amount": { value: "25", source: "run" },
      "vault.LOADER_TOKEN": { value: "***", source: "vault" },
      "outputs.summary.revenue": { value: null, source: "upstream" },
    });
    expect(compiled).toMatchObject({ pipeline: "orders_daily", kitchen: "dev_anna", schema: "k_dev_anna", environment: "dev", runId: "run_7" });
  });

  it("survives a JSON round trip unchanged (it is stored on the run)", () => {
    expect(JSON.parse(JSON.stringify(compiled))).toEqual(compiled);
  });

  it("throws with every problem in details when a secret is missing from the environment", () => {
    let caught: unknown;
    try {
      compilePipeline(pipeline!, { ...ctx, vaultNames: [] });
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught)).toBe(true);
    const err = caught as { code: string; message: string; details: { field: string }[] };
    expect(err.code).toBe("invalid_input");
    expect(err.message).toMatch(/^pipelines\/orders_daily\/pipeline\.yaml:28: unknown variable \{\{vault\.LOADER_TOKEN\}\}.*\(and 1 more\)$/);
    expect(err.details.map((d) => d.field)).toEqual(["nodes[0].env.PGPASSWORD", "nodes[2].env.PGPASSWORD"]);
  });

  it("merges a variation's parameters below the Kitchen's overrides", () => {
    const c = compilePipeline(pipeline!, { ...ctx, params: {}, overrides: {}, variation: "big_orders" });
    expect(c.parameters.min_amount).toEqual({ value: 100, source: "variation" });
    expect(c.variation).toBe("big_orders");
  });
});

describe("resolveVariables", () => {
  it("lists each variable's value and source for the UI", () => {
    const vars = resolveVariables(pipeline!, { ...ctx, params: {} });
    expect(vars["params.min_amount"]).toEqual({ value: "5", source: "kitchen" });
    expect(vars["params.runner_image"]).toEqual({ value: "registry.local/runner:2", source: "kitchen" });
    expect(Object.keys(vars)).toEqual([
      "CurrentKitchen",
      "schema",
      "environment",
      "run.id",
      "pipeline",
      "params.min_amount",
      "params.runner_image",
      "vault.LOADER_TOKEN",
      "outputs.summary.orders",
      "outputs.summary.revenue",
      "outputs.summary.top_region",
    ]);
  });
});
