import type { Pipeline } from "@galley/pipelines";
import { analyzeScript } from "@galley/warehouse";

const WRITES = new Set(["insert", "update", "delete", "merge", "truncate", "copy", "alter", "create-table", "select-into"]);
const TEMPLATE = /\{\{[^}]*\}\}/g;
const PLACEHOLDER = "galley_template_value";

export interface TablesWritten {
  tables: string[];
  /** Row keys the pipeline declares (`writes: [{ table, key }]`), by table. */
  keys: Record<string, string[]>;
  /** A container node that declares no `writes:`: what it writes cannot be known. */
  opaque: boolean;
}

/**
 * Tables a pipeline writes in the Kitchen's own schema: those its nodes declare under `writes:`,
 * and those its SQL nodes' statements write (unqualified, or qualified with a template such as
 * {{schema}}).
 */
export function tablesWrittenBy(p: Pipeline, sources: Record<string, string>): TablesWritten {
  const tables = new Set<string>();
  const keys: Record<string, string[]> = {};
  let opaque = false;
  for (const node of p.nodes) {
    for (const w of node.writes) {
      tables.add(w.table);
      if (w.key) keys[w.table] = w.key;
    }
    if (node.type !== "sql") {
      opaque ||= node.writes.length === 0;
      continue;
    }
    const sql = node.sql ?? (node.sql_file ? sources[node.sql_file] : undefined);
    if (!sql) continue;
    for (const t of analyzeScript(sql.replace(TEMPLATE, PLACEHOLDER)).targets) {
      if (!WRITES.has(t.kind)) continue;
      if (t.schema === undefined || t.schema === PLACEHOLDER) tables.add(t.name);
    }
  }
  return { tables: [...tables].sort(), keys, opaque };
}
