import { describe, expect, it } from "vitest";
import { DEMO_FILES } from "./fixtures/demo-pipeline";
import { loadPipelines } from "./load-pipelines";

describe("loadPipelines", () => {
  it("finds every pipelines/*/pipeline.yaml and gives it its folder's files", () => {
    const other = { path: "pipelines/adhoc/pipeline.yaml", content: "name: adhoc\nnodes:\n  - { id: q, type: sql, sql_file: sql/q.sql }\n" };
    const files = [...DEMO_FILES, other, { path: "pipelines/adhoc/sql/q.sql", content: "select {{schema}}" }, { path: "pipelines/shared/util.sql", content: "" }];
    const { pipelines, errors } = loadPipelines(files);
    expect(errors).toEqual([]);
    expect(pipelines.map((p) => p.name)).toEqual(["adhoc", "orders_daily"]);
  });

  it("ignores pipeline.yaml files not directly in a pipeline folder", () => {
    const files = [{ path: "pipelines/pipeline.yaml", content: "x" }, { path: "pipelines/a/b/pipeline.yaml", content: "x" }, { path: "other/a/pipeline.yaml", content: "x" }];
    expect(loadPipelines(files)).toEqual({ pipelines: [], errors: [] });
  });

  it("checks SQL files by their text and reports missing siblings", () => {
    const files = [
      { path: "pipelines/a/pipeline.yaml", content: "name: a\nnodes:\n  - { id: q, type: sql, sql_file: q.sql }\n  - { id: r, type: sql, sql_file: r.sql }\n" },
      { path: "pipelines/a/q.sql", content: "select 1;\n\nselect {{params.nope}};" },
    ];
    const { pipelines, errors } = loadPipelines(files);
    expect(pipelines).toEqual([]);
    expect(errors.map((e) => [e.file, e.line, e.field])).toEqual([
      ["pipelines/a/pipeline.yaml", 4, "nodes[1].sql_file"],
      ["pipelines/a/q.sql", 3, "nodes[0].sql_file"],
    ]);
  });

  it("asks for pipeline.yaml when it finds pipeline.yml", () => {
    const { errors } = loadPipelines([{ path: "pipelines/a/pipeline.yml", content: "name: a" }]);
    expect(errors).toEqual([{ file: "pipelines/a/pipeline.yml", message: "pipeline files are named pipeline.yaml: rename pipelines/a/pipeline.yml" }]);
  });

  it("reports 100 malformed files as 100 errors, each naming its own file", () => {
    const kinds = [
      (n: string) => `name: ${n}\nnodes: [oops\n`, // YAML syntax
      (n: string) => `name: ${n}\nnodes:\n  - { id: a, type: sql }\n`, // neither sql nor sql_file
      (n: string) => `name: ${n}\nnodes:\n  - { id: a, type: sql, sql: x, depends_on: [ghost] }\n`, // missing dependency
      (n: string) => `name: ${n}\nnodes:\n  - { id: a, type: sql, sql: "{{unknown}}" }\n`, // unknown variable
      (n: string) => `name: wrong_${n}\nnodes:\n  - { id: a, type: sql, sql: x }\n`, // name/folder mismatch
    ];
    const files = Array.from({ length: 100 }, (_, i) => ({ path: `pipelines/p${i}/pipeline.yaml`, content: kinds[i % kinds.length](`p${i}`) }));
    const { pipelines, errors } = loadPipelines(files);
    expect(pipelines).toEqual([]);
    expect(errors).toHaveLength(100);
    expect(new Set(errors.map((e) => e.file))).toEqual(new Set(files.map((f) => f.path)));
    for (const e of errors) expect(e.line).toBeGreaterThan(0);
  });
});
