import { describe, expect, it } from "vitest";
import { DEMO_TRANSFORM_SQL, DEMO_YAML } from "./fixtures/demo-pipeline";
import { parsePipeline } from "./parse-pipeline";
import { validatePipeline } from "./validate-pipeline";

const FILE = "pipelines/demo/pipeline.yaml";
const parse = (content: string, siblingFiles?: string[], sources?: Record<string, string>) =>
  parsePipeline({ path: FILE, content, siblingFiles, sources });

/** A pipeline named demo whose nodes section is `nodes` (indented list items). */
const pipelineWith = (nodes: string, head = "") => `name: demo\n${head}nodes:\n${nodes}`;

describe("parsePipeline: a complete valid pipeline", () => {
  const result = parsePipeline({
    path: "pipelines/orders_daily/pipeline.yaml",
    content: DEMO_YAML,
    siblingFiles: ["transform.sql", "load.psql", "summary.mjs", "data/orders.csv"],
    sources: { "transform.sql": DEMO_TRANSFORM_SQL },
  });

  it("has no errors and fills defaults", () => {
    expect(result.errors).toEqual([]);
    const p = result.pipeline!;
    expect(p).toMatchObject({ name: "orders_daily", folder: "pipelines/orders_daily", path: "pipelines/orders_daily/pipeline.yaml" });
    expect(p.nodes.map((n) => n.id)).toEqual(["load_orders", "transform", "summary", "record_summary"]);
    expect(p.parameters.min_amount).toEqual({ default: 0, description: "Orders below this amount are left out of orders_clean." });
    expect(p.variations.transform_only).toMatchObject({ nodes: ["transform", "summary", "record_summary"], include_upstream: false, parameters: {} });
  });

  it("parses durations, sizes and retries", () => {
    const [load, transform, summary] = result.pipeline!.nodes;
    expect(load).toMatchObject({ type: "container", timeout_ms: 300_000, cpu: 0.5, memory_bytes: 256 * 1024 * 1024 });
    expect(load.retries).toEqual({ attempts: 2, backoff: "5s", backoff_ms: 5_000 });
    expect(transform).toMatchObject({ type: "sql", sql_file: "transform.sql", timeout_ms: 120_000, retries: { attempts: 0, backoff_ms: 2_000 } });
    expect(summary).toMatchObject({ timeout: "10m", timeout_ms: 600_000, outputs: "outputs.json", args: [] });
  });

  it("keeps test declarations as written: name, metric, check, level", () => {
    expect(result.pipeline!.nodes[2].tests).toEqual([
      { name: "revenue_positive", metric: { output: "revenue" }, check: "> 0", level: "warn" },
      { name: "all_orders_counted", metric: { sql: "select count(*) from orders_clean" }, check: "== {{outputs.summary.orders}}", level: "fail" },
    ]);
    expect(result.pipeline!.nodes[1].tests[0]).toEqual({ name: "has_rows", metric: { row_count: { table: "orders_clean" } }, check: "> 0", level: "fail" });
  });

  it("turns YAML numbers in env into text", () => {
    const r = parse(pipelineWith("  - id: a\n    type: container\n    image: x\n    env: { PORT: 5432, DEBUG: true }\n"));
    expect(r.pipeline!.nodes[0]).toMatchObject({ env: { PORT: "5432", DEBUG: "true" } });
  });
});

describe("parsePipeline: errors name file, line and field", () => {
  it("reports a YAML syntax error with its line", () => {
    const r = parse("name: demo\nnodes:\n  - id: a\n    type: sql\n    sql: \"select 1\n  - id: b\n");
    expect(r.pipeline).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    // yaml notices at the end of the text; the error points at the quote that was never closed.
    expect(r.errors[0]).toEqual({ file: FILE, line: 5, column: 10, message: 'Missing closing "quote' });
  });

  it("reports bad indentation and tabs on their line", () => {
    expect(parse("name: demo\nnodes:\n  - id: a\n   type: sql\n").errors).toEqual([{ file: FILE, line: 4, column: 1, message: "Sequence item without - indicator" }]);
    expect(parse("name: demo\n\tnodes: []\n").errors[0]).toMatchObject({ line: 2, message: "Tabs are not allowed as indentation" });
  });

  it("reports a duplicate key as a YAML error", () => {
    const r = parse("name: demo\nname: again\nnodes: []\n");
    expect(r.errors[0]).toMatchObject({ file: FILE, line: 2 });
  });

  it("reports a missing dependency at the depends_on entry", () => {
    const r = parse(pipelineWith("  - id: extract\n    type: sql\n    sql: select 1\n  - id: load\n    type: sql\n    sql: select 2\n    depends_on: [extract, extrct]\n"));
    expect(r.errors).toEqual([
      { file: FILE, line: 9, column: 27, field: "nodes[1].depends_on[1]", message: 'depends on unknown node "extrct" (did you mean "extract"?)' },
    ]);
  });

  it("names the cycle and points at the edge closing it", () => {
    const nodes = [
      "  - { id: a, type: sql, sql: x, depends_on: [c] }",
      "  - { id: b, type: sql, sql: x, depends_on: [a] }",
      "  - { id: c, type: sql, sql: x, depends_on: [b] }",
      "  - { id: d, type: sql, sql: x, depends_on: [c] }",
    ].join("\n");
    const r = parse(pipelineWith(`${nodes}\n`));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 3, field: "nodes[0].depends_on[0]", message: "cycle: a -> b -> c -> a" });
  });

  it("reports a node depending on itself as a cycle", () => {
    const r = parse(pipelineWith("  - { id: a, type: sql, sql: x, depends_on: [a] }\n"));
    expect(r.errors.map((e) => e.message)).toEqual(["cycle: a -> a (a node cannot depend on itself)"]);
  });

  it("reports duplicate ids on the second one", () => {
    const r = parse(pipelineWith("  - { id: a, type: sql, sql: x }\n  - { id: b, type: sql, sql: x }\n  - { id: a, type: sql, sql: y }\n"));
    expect(r.errors).toEqual([{ file: FILE, line: 5, column: 11, field: "nodes[2].id", message: 'duplicate node id "a" (also nodes[0])' }]);
  });

  it("reports an unknown variable at its position in the string", () => {
    const r = parse(pipelineWith('  - id: a\n    type: container\n    image: alpine\n    command: ["echo", "{{ Kitchen }}"]\n'));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ file: FILE, line: 6, column: 24, field: "nodes[0].command[1]" });
    expect(r.errors[0].message).toMatch(/^unknown variable \{\{Kitchen\}\}; known variables: \{\{CurrentKitchen\}\}/);
  });

  it("reports undeclared parameters and unclosed braces", () => {
    const r = parse(pipelineWith("  - id: a\n    type: sql\n    sql: |\n      select 1;\n      select {{params.days}} from {{schema}}.t where x = '{{';\n"));
    expect(r.errors.map((e) => [e.line, e.column, e.message])).toEqual([
      [7, 14, 'unknown variable {{params.days}}: parameter "days" is not declared under parameters'],
      [7, 59, '"{{" is not closed by "}}" (write \\{{ for a literal "{{")'],
    ]);
  });

  it("checks vault variables against the environment's vault names when given", () => {
    const content = pipelineWith('  - id: a\n    type: container\n    image: alpine\n    env:\n      PW: "{{vault.LOADER_TOKEN}}"\n      TOKEN: "{{vault.API_TOKEN}}"\n');
    const r = parse(content);
    expect(r.errors).toEqual([]);
    const errors = validatePipeline(r.pipeline!, { vaultNames: ["LOADER_TOKEN"] });
    expect(errors).toEqual([
      { file: FILE, line: 8, column: 15, field: "nodes[0].env.TOKEN", message: 'unknown variable {{vault.API_TOKEN}}: no secret "API_TOKEN" in this environment\'s vault' },
    ]);
  });

  it("checks each vault against the same parsed pipeline, errors in the order they were found", () => {
    const r = parse(pipelineWith("  - id: a\n    type: sql\n    sql_file: a.sql\n"), ["a.sql"], { "a.sql": "select 1" });
    expect(r.errors).toEqual([]);
    // The vault checks wait for vault names; the other checks are not run again for each vault.
    const sources = { "a.sql": "select {{vault.B}},\n  {{params.nope}}, {{vault.A}}" };
    const messages = (vaultNames?: string[]) => validatePipeline(r.pipeline!, { sources, vaultNames }).map((e) => `${e.line}:${e.column} ${e.message.slice(0, 26)}`);
    expect(messages([])).toEqual(["1:8 unknown variable {{vault.B", "2:3 unknown variable {{params.", "2:20 unknown variable {{vault.A"]);
    expect(messages(["A"])).toEqual(["1:8 unknown variable {{vault.B", "2:3 unknown variable {{params."]);
    expect(messages(["A", "B"])).toEqual(["2:3 unknown variable {{params."]);
    expect(messages()).toEqual(["2:3 unknown variable {{params."]);
    expect(messages(["B"])).toEqual(["2:3 unknown variable {{params.", "2:20 unknown variable {{vault.A"]);
  });

  it("checks a SQL file again when the sources given differ from those parsed", () => {
    const r = parsePipeline({ path: FILE, content: pipelineWith("  - id: a\n    type: sql\n    sql_file: a.sql\n"), siblingFiles: ["a.sql"], sources: { "a.sql": "select 1" } });
    expect(r.errors).toEqual([]);
    expect(validatePipeline(r.pipeline!, { sources: { "a.sql": "select 1" } })).toEqual([]);
    const errors = validatePipeline(r.pipeline!, { sources: { "a.sql": "select {{params.x}}" } });
    expect(errors).toEqual([expect.objectContaining({ file: "pipelines/demo/a.sql", line: 1, column: 8, field: "nodes[0].sql_file" })]);
  });

  it("refuses Galley's own credentials (issue 7 finding 4), even when the vault holds them", () => {
    const content = pipelineWith('  - id: a\n    type: container\n    image: alpine\n    env:\n      PGPASSWORD: "{{vault.WAREHOUSE_PASSWORD}}"\n      SALT: "{{vault.MASK_SALT}}"\n');
    // Refused by parsing itself, whatever the environment's vault holds.
    const r = parse(content);
    expect(r.errors.map((e) => [e.line, e.field, e.message])).toEqual([
      [7, "nodes[0].env.PGPASSWORD", expect.stringMatching(/^\{\{vault\.WAREHOUSE_PASSWORD\}\} is Galley's own credential, not a pipeline secret: pipelines cannot use it/)],
      [8, "nodes[0].env.SALT", expect.stringMatching(/^\{\{vault\.MASK_SALT\}\} is Galley's own credential/)],
    ]);
  });

  it("rejects outputs from a node that is not an ancestor", () => {
    const nodes = [
      "  - { id: a, type: container, image: x, outputs: out.json }",
      "  - { id: b, type: container, image: x, outputs: out.json }",
      '  - { id: c, type: container, image: x, depends_on: [a], args: ["{{outputs.a.n}}", "{{outputs.b.n}}"] }',
    ].join("\n");
    const r = parse(pipelineWith(`${nodes}\n`));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 5, field: "nodes[2].args[1]" });
    expect(r.errors[0].message).toBe('{{outputs.b.n}}: node "b" is not upstream of "c"; add it to depends_on (directly or through another node)');
  });

  it("accepts outputs of an indirect ancestor, and a node's tests reading its own outputs", () => {
    const nodes = [
      "  - { id: a, type: container, image: x, outputs: out.json }",
      "  - { id: b, type: sql, sql: x, depends_on: [a] }",
      '  - { id: c, type: sql, sql: "select {{outputs.a.n}}", depends_on: [b] }',
      '  - { id: d, type: container, image: x, outputs: o.json, tests: [{ name: t, level: warn, metric: { output: n }, check: ">= {{outputs.d.n}}" }] }',
    ].join("\n");
    expect(parse(pipelineWith(`${nodes}\n`)).errors).toEqual([]);
  });

  it("rejects outputs of nodes without an outputs file, and a node reading its own outputs", () => {
    const nodes = [
      "  - { id: a, type: sql, sql: x }",
      '  - { id: b, type: container, image: x, outputs: o.json, depends_on: [a], args: ["{{outputs.a.n}}", "{{outputs.b.n}}"] }',
    ].join("\n");
    expect(parse(pipelineWith(`${nodes}\n`)).errors.map((e) => e.message)).toEqual([
      '{{outputs.a.n}}: node "a" declares no outputs file',
      "{{outputs.b.n}}: a node cannot read its own outputs (its tests can)",
    ]);
  });

  it("reports a missing sql_file and checks variables inside SQL files", () => {
    const nodes = "  - { id: a, type: sql, sql_file: a.sql }\n  - { id: b, type: sql, sql_file: b.sql }\n";
    const r = parse(pipelineWith(nodes), ["a.sql"], { "a.sql": "select 1;\nselect {{nope}};\n" });
    expect(r.errors).toEqual([
      { file: "pipelines/demo/a.sql", line: 2, column: 8, field: "nodes[0].sql_file", message: expect.stringMatching(/^unknown variable \{\{nope\}\}/) },
      { file: FILE, line: 4, column: 35, field: "nodes[1].sql_file", message: "file not found: pipelines/demo/b.sql" },
    ]);
  });

  it("checks files patterns against the folder when its files are known", () => {
    const r = parse(pipelineWith('  - { id: a, type: container, image: x, files: ["data/*.csv", "lib", "*.py", missing.txt] }\n'), ["data/a.csv", "lib/x.js"]);
    expect(r.errors.map((e) => [e.field, e.message])).toEqual([
      ["nodes[0].files[2]", 'no file in pipelines/demo matches "*.py"'],
      ["nodes[0].files[3]", "file not found: pipelines/demo/missing.txt"],
    ]);
  });

  it("reports schema problems with friendly messages", () => {
    const nodes = [
      "  - id: Bad-Id",
      "    type: sql",
      "    sql: x",
      "  - id: b",
      "    type: containr",
      "  - id: c",
      "    type: container",
      "    imgae: alpine",
      "    timeout: 10 minutes",
      "    memory: lots",
      "    retries: { attempts: -1 }",
      "  - id: d",
      "    type: sql",
    ].join("\n");
    const r = parse(pipelineWith(`${nodes}\n`));
    expect(r.errors.map((e) => [e.line, e.field, e.message])).toEqual([
      [3, "nodes[0].id", "id must be 1 to 63 characters: a lowercase letter, then lowercase letters, digits or underscores"],
      [7, "nodes[1].type", 'type must be "sql" or "container"'],
      [8, "nodes[2].image", "image is required"],
      [10, "nodes[2].imgae", 'unknown field "imgae"'],
      [11, "nodes[2].timeout", 'timeout must be a number followed by ms, s, m or h, such as "500ms", "30s", "10m", "1h" (got "10 minutes")'],
      [12, "nodes[2].memory", 'memory must be a number followed by b, k, m, g or t, such as "256m" or "1g" (got "lots")'],
      [13, "nodes[2].retries.attempts", "attempts must be at least 0"],
      [14, "nodes[3]", "a sql node needs exactly one of sql_file or sql"],
    ]);
  });

  it("validates tests: name unique, level an enum (the rest: data-tests/spec.test.ts)", () => {
    const r = parse(pipelineWith("  - id: a\n    type: sql\n    sql: x\n    tests:\n      - { name: t1, level: fail, metric: { row_count: t }, check: '> 0' }\n      - { name: t2, level: loud, metric: duration, check: '< 1m' }\n"));
    expect(r.errors.map((e) => [e.line, e.field, e.message])).toEqual([[8, "nodes[0].tests[1].level", 'level must be "log", "warn" or "fail"']]);
    const fixed = parse(pipelineWith("  - id: a\n    type: sql\n    sql: x\n    tests:\n      - { name: t1, level: log, metric: duration }\n      - { name: t1, level: log, metric: duration }\n"));
    expect(fixed.errors.map((e) => [e.line, e.field, e.message])).toEqual([[8, "nodes[0].tests[1].name", 'duplicate test name "t1" in node "a"']]);
  });

  it("checks the name against the folder, and variations against nodes and parameters", () => {
    const head = "parameters:\n  days: { default: 7 }\nvariations:\n  quick:\n    nodes: [b, zz]\n    parameters: { days: 1, weeks: 2 }\n";
    const nodes = "  - { id: a, type: container, image: x, outputs: o.json }\n  - { id: b, type: sql, sql: 'select {{outputs.a.n}}', depends_on: [a] }\n";
    const r = parsePipeline({ path: "pipelines/other/pipeline.yaml", content: pipelineWith(nodes, head) });
    expect(r.errors.map((e) => [e.line, e.field, e.message])).toEqual([
      [1, "name", 'name "demo" must match its folder "other"'],
      [6, "variations.quick.nodes", 'variation "quick": node "b" reads outputs of "a", which the variation leaves out (add it or set include_upstream: true)'],
      [6, "variations.quick.nodes[1]", 'variation "quick" lists unknown node "zz"'],
      [7, "variations.quick.parameters.weeks", 'variation "quick" sets parameter "weeks", which is not declared under parameters'],
    ]);
  });

  it("reports an empty file and a file of the wrong shape", () => {
    expect(parse("").errors).toEqual([{ file: FILE, line: 1, message: "file is empty: a pipeline needs at least name and nodes" }]);
    expect(parse("- a\n- b\n").errors[0]).toMatchObject({ file: FILE, line: 1, message: expect.stringMatching(/must be a mapping/) });
    expect(parse("name: demo\n").errors).toEqual([{ file: FILE, line: 1, column: 1, field: "nodes", message: "nodes is required" }]);
  });

  it("refuses __proto__ keys instead of losing them", () => {
    const r = parse("name: demo\nparameters:\n  __proto__: { default: 1 }\nnodes:\n  - { id: a, type: container, image: x, env: { __proto__: y } }\n");
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([
      [3, "parameters.__proto__"],
      [5, "nodes[0].env.__proto__"],
    ]);
  });

  it("does not expand alias bombs", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(10).fill(`*${"abcdefgh"[i]}`).join(", ")}]`)].join("\n");
    const r = parse(`${bomb}\nname: demo\nnodes: []\n`);
    expect(r.pipeline).toBeUndefined();
    expect(r.errors[0].message).toMatch(/alias/i);
  });
});

describe("parsePipeline: writes", () => {
  it("takes table names and { table, key } alike", () => {
    const r = parse(pipelineWith("  - id: a\n    type: container\n    image: x\n    writes: [raw, { table: clean, key: [id, day] }]\n"));
    expect(r.errors).toEqual([]);
    expect(r.pipeline!.nodes[0].writes).toEqual([{ table: "raw" }, { table: "clean", key: ["id", "day"] }]);
  });

  it("names the field of a bad table or key", () => {
    const r = parse(pipelineWith("  - id: a\n    type: sql\n    sql: select 1\n    writes: [dev.orders, { table: t, key: [] }, 3]\n"));
    expect(r.errors.map((e) => [e.field, e.line])).toEqual([
      ["nodes[0].writes[0].table", 6],
      ["nodes[0].writes[1].key", 6],
      ["nodes[0].writes[2]", 6],
    ]);
    expect(r.errors[0].message).toMatch(/without a schema prefix/);
    expect(r.errors[2].message).toMatch(/a table name or \{ table, key \}/);
  });

  it("refuses two keys for one table", () => {
    const r = parse(pipelineWith("  - { id: a, type: sql, sql: select 1, writes: [{ table: t, key: [id] }] }\n  - { id: b, type: sql, sql: select 1, writes: [{ table: t, key: [code] }] }\n"));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ field: "nodes[1].writes[0].key", line: 4 });
    expect(r.errors[0].message).toBe('table "t" has key (code) here but (id) in node "a": declare one key per table');
  });
});
