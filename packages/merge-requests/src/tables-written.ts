import type { Pipeline } from "@galley/pipelines";
import { analyzeScript } from "@galley/warehouse";

const WRITES = new Set(["insert", "update", "delete", "merge", "truncate", "copy", "alter", "create-table", "select-into"]);
const TEMPLATE = /\{\{[^}]*\}\}/g;
const PLACEHOLDER = "galley_template_value";

/**
 * Tables a pipeline's SQL nodes write in the Kitchen's own schema (unqualified, or qualified with
 * a template such as {{schema}}), and whether it has container nodes (whose writes SQL analysis
 * cannot see).
 */
export function tablesWrittenBy(p: Pipeline, sources: Record<string, string>): { tables: string[]; opaque: boolean } {
  const tables = new Set<string>();
  let opaque = false;
  for (const node of p.nodes) {
    if (node.type !== "sql") {
      opaque = true;
      continue;
    }
    const sql = node.sql ?? (node.sql_file ? sources[node.sql_file] : undefined);
    if (!sql) continue;
    for (const t of analyzeScript(sql.replace(TEMPLATE, PLACEHOLDER)).targets) {
      if (!WRITES.has(t.kind)) continue;
      if (t.schema === undefined || t.schema === PLACEHOLDER) tables.add(t.name);
    }
  }
  return { tables: [...tables].sort(), opaque };
}
