import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEMO_FILES, DEMO_LOAD_PSQL, DEMO_ORDERS_CSV, DEMO_SUMMARY_MJS, DEMO_TRANSFORM_SQL, DEMO_YAML } from "./fixtures/demo-pipeline";
import { loadPipelines } from "./load-pipelines";
import { parsePipeline } from "./parse-pipeline";

// Keeps docs/pipelines.md honest: its example is the tested fixture, and its sample error is real.
const doc = readFileSync(fileURLToPath(new URL("../../../docs/pipelines.md", import.meta.url)), "utf8");
const blocks = [...doc.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));

describe("docs/pipelines.md", () => {
  it("shows the demo pipeline's files exactly", () => {
    expect(blocks.find((b) => b.lang === "yaml")!.text).toBe(DEMO_YAML);
    const sql = blocks.filter((b) => b.lang === "sql").map((b) => b.text);
    expect(sql).toEqual([DEMO_TRANSFORM_SQL, DEMO_LOAD_PSQL]);
    expect(blocks.find((b) => b.lang === "js")!.text).toBe(DEMO_SUMMARY_MJS);
    expect(blocks.some((b) => b.text === DEMO_ORDERS_CSV)).toBe(true);
  });

  it("shows an error message the parser really gives", () => {
    const broken = DEMO_FILES.map((f) => (f.path.endsWith("pipeline.yaml") ? { ...f, content: f.content.replace("galley {{pipeline}} {{run.id}}", "galley {{pipeline}} {{run_id}}") } : f));
    const [e] = loadPipelines(broken).errors;
    const line = `${e.file}:${e.line}:${e.column} ${e.field}: ${e.message.split(";")[0]}; known variables: ...`;
    expect(doc).toContain(line);
  });

  it("shows test examples that validate", () => {
    const examples = blocks.filter((b) => b.lang === "yaml" && b.text.startsWith("tests:"));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const ex of examples) {
      const content = `name: demo\nparameters:\n  min_amount: { default: 0 }\nnodes:\n  - id: summary\n    type: container\n    image: x\n    outputs: o.json\n${ex.text.replace(/^/gm, "    ")}`;
      expect(parsePipeline({ path: "pipelines/demo/pipeline.yaml", content }).errors, ex.text).toEqual([]);
    }
  });
});
