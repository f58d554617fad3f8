/**
 * Files of two pipelines for outage tests: `<name>` runs a container node that sleeps 4 s (the
 * window for the fault), then one SQL node per entry inserting the run id into its own table;
 * `<name>_setup` makes those tables once up front (two runs creating them at the same moment
 * would race in PostgreSQL's catalog).
 */
export function slowFanOutPipelines(name: string, nodes: readonly string[]): Record<string, string> {
  return {
    [`pipelines/${name}/pipeline.yaml`]: [
      `name: ${name}`,
      "nodes:",
      "  - id: slow",
      "    type: container",
      "    image: galley-runner:latest",
      "    command: [sh, -c, 'echo started; sleep 4; echo finished']",
      ...nodes.flatMap((n) => [`  - id: ${n}`, "    type: sql", "    depends_on: [slow]", `    sql: insert into ${name}_${n} values ('{{run.id}}');`]),
    ].join("\n"),
    [`pipelines/${name}_setup/pipeline.yaml`]: [
      `name: ${name}_setup`,
      "nodes:",
      "  - id: tables",
      "    type: sql",
      `    sql: ${nodes.map((n) => `create table ${name}_${n} (run_id text primary key);`).join(" ")}`,
    ].join("\n"),
  };
}
