import { describe, expect, it } from "vitest";
import { DEMO_TRANSFORM_SQL, DEMO_YAML } from "./fixtures/demo-pipeline";
import { parsePipeline } from "./parse-pipeline";
import { renderTemplate, renderValue, type VariableScope } from "./render";
import { renderNode, renderNodeTests } from "./render-node";
import { scanTemplate } from "./templates";

const scope: VariableScope = {
  kitchen: "dev_anna",
  schema: "k_dev_anna",
  environment: "dev",
  runId: "run_42",
  pipeline: "orders_daily",
  params: { min_amount: 100, region: "north", flag: false, sneaky: "{{vault.WAREHOUSE_PASSWORD}}" },
  vault: { WAREHOUSE_PASSWORD: "s3cr3t-pw", API_TOKEN: "tok-123456" },
  outputs: { load: { rows: 42, file: "a.csv", meta: { ok: true } } },
};

describe("renderTemplate", () => {
  it("renders context, parameters, outputs and secrets for execution, listing the secrets used", () => {
    const r = renderTemplate("{{CurrentKitchen}}/{{ schema }}/{{environment}}/{{run.id}}/{{pipeline}} {{params.min_amount}} {{params.flag}} {{outputs.load.rows}} {{outputs.load.meta}} pw={{vault.WAREHOUSE_PASSWORD}}", scope);
    expect(r.text).toBe('dev_anna/k_dev_anna/dev/run_42/orders_daily 100 false 42 {"ok":true} pw=s3cr3t-pw');
    expect(r.secretsUsed).toEqual(["s3cr3t-pw"]);
  });

  it("shows *** for secrets in view mode and keeps outputs not known yet", () => {
    const r = renderTemplate("pw={{vault.WAREHOUSE_PASSWORD}} rows={{outputs.load.rows}} later={{outputs.summary.n}}", scope, { mode: "view" });
    expect(r).toEqual({ text: "pw=*** rows=42 later={{outputs.summary.n}}", secretsUsed: [] });
  });

  it("never renders a parameter value a second time", () => {
    expect(renderTemplate("{{params.sneaky}}", scope)).toEqual({ text: "{{vault.WAREHOUSE_PASSWORD}}", secretsUsed: [] });
  });

  it("turns \\{{ into a literal {{", () => {
    expect(renderTemplate("jq '\\{{.a}}' {{schema}}", scope).text).toBe("jq '{{.a}}' k_dev_anna");
  });

  it("throws for what it cannot resolve at execution", () => {
    expect(() => renderTemplate("{{nope}}", scope)).toThrow(/^unknown variable \{\{nope\}\}/);
    expect(() => renderTemplate("{{vault.MISSING}}", scope)).toThrow('cannot render {{vault.MISSING}}: secret "MISSING" is not in the vault of environment "dev"');
    expect(() => renderTemplate("{{outputs.summary.n}}", scope)).toThrow('cannot render {{outputs.summary.n}}: no outputs of node "summary" are available');
    expect(() => renderTemplate("{{outputs.load.nope}}", scope)).toThrow('node "load" wrote no key "nope"');
    expect(() => renderTemplate("{{params.zz}}", scope)).toThrow('parameter "zz" is not declared');
  });

  it("accepts any secret name in view mode when the vault is not given", () => {
    expect(renderTemplate("{{vault.ANY}}", { ...scope, vault: undefined }, { mode: "view" }).text).toBe("***");
    expect(() => renderTemplate("{{vault.ANY}}", { ...scope, vault: undefined })).toThrow(/not in the vault/);
  });

  it("renders strings deep inside values", () => {
    const r = renderValue({ a: ["{{schema}}", 3, { b: "{{vault.API_TOKEN}}" }], c: null }, scope);
    expect(r).toEqual({ value: { a: ["k_dev_anna", 3, { b: "tok-123456" }], c: null }, secretsUsed: ["tok-123456"] });
  });
});

describe("scanTemplate", () => {
  it("splits text and variables with their offsets", () => {
    expect(scanTemplate("a {{schema}} b {{outputs.n.k}}")).toEqual([
      { kind: "text", text: "a " },
      { kind: "var", raw: "{{schema}}", expr: "schema", index: 2, ref: { kind: "context", name: "schema" }, error: undefined },
      { kind: "text", text: " b " },
      { kind: "var", raw: "{{outputs.n.k}}", expr: "outputs.n.k", index: 15, ref: { kind: "outputs", node: "n", key: "k" }, error: undefined },
    ]);
  });

  it.each(["{{params}}", "{{vault.}}", "{{outputs.a}}", "{{outputs.A.b}}", "{{params.a | upper}}", "{{run}}", "{{Schema}}"])("rejects %s", (t) => {
    const part = scanTemplate(t).find((p) => p.kind === "var");
    expect(part).toMatchObject({ kind: "var", ref: undefined, error: expect.stringMatching(/^unknown variable/) });
  });
});

describe("renderNode", () => {
  const { pipeline } = parsePipeline({ path: "pipelines/orders_daily/pipeline.yaml", content: DEMO_YAML });
  const [load, transform, summary, record] = pipeline!.nodes;
  const params = { ...scope.params, runner_image: "galley-runner:latest" };
  const run = { ...scope, params, outputs: { summary: { orders: 3, revenue: 215.75, top_region: "north" } } };

  it("renders a container node for execution and returns the secrets it used", () => {
    // The demo needs no secret (the worker provides the Kitchen's credentials); a pipeline may still use one.
    const withSecret = { ...load, env: { PGPASSWORD: "{{vault.WAREHOUSE_PASSWORD}}", ...(load as { env: Record<string, string> }).env } } as typeof load;
    const r = renderNode(withSecret, run);
    expect(r.value).toMatchObject({
      image: "galley-runner:latest",
      command: ["psql", "-v", "ON_ERROR_STOP=1", "-v", "schema=k_dev_anna", "-f", "/galley/files/load.psql"],
      env: { PGPASSWORD: "s3cr3t-pw", PGAPPNAME: "galley orders_daily run_42", LOADED_BY: "dev_anna" },
    });
    expect(r.secretsUsed).toEqual(["s3cr3t-pw"]);
  });

  it("renders the SQL file's text into sql", () => {
    const r = renderNode(transform, run, { sqlText: DEMO_TRANSFORM_SQL });
    expect(r.value).toMatchObject({ sql_file: "transform.sql" });
    expect((r.value as { sql: string }).sql).toContain("where amount::numeric >= 100;");
    expect(() => renderNode(transform, run)).toThrow(/the text of transform.sql is needed/);
  });

  it("fills upstream outputs into inline SQL", () => {
    expect((renderNode(record, run).value as { sql: string }).sql).toContain("values ('run_42', 3, 215.75, 'north');");
  });

  it("leaves tests for after the node in execute mode, and renders them with the node's own outputs", () => {
    expect(renderNode(summary, run).value.tests).toEqual(summary.tests);
    expect(renderNodeTests(summary, run).value[1]).toEqual({ name: "all_orders_counted", metric: { sql: "select count(*) from orders_clean" }, check: "== 3", level: "fail" });
  });
});
