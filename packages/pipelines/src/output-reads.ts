import { originOf } from "./origin";
import { nodeTemplates, scanTemplate, type VariableRef } from "./templates";
import type { Pipeline, PipelineNode } from "./types";

/** Every variable a node uses, its SQL file included when its text is known. */
export function nodeRefs(node: PipelineNode, sources?: Readonly<Record<string, string>>): VariableRef[] {
  const refs: VariableRef[] = [];
  const scan = (text: string) => {
    if (!text.includes("{{")) return;
    for (const part of scanTemplate(text)) if (part.kind === "var" && part.ref) refs.push(part.ref);
  };
  for (const t of nodeTemplates(node)) scan(t.value);
  if (node.type === "sql" && node.sql_file && sources?.[node.sql_file] !== undefined) scan(sources[node.sql_file]);
  return refs;
}

/** Ids of other nodes whose outputs `node` reads. Its tests reading its own outputs do not count. */
export function outputProducers(pipeline: Pipeline, node: PipelineNode, sources = originOf(pipeline).sources): string[] {
  const ids = new Set<string>();
  for (const ref of nodeRefs(node, sources)) if (ref.kind === "outputs" && ref.node !== node.id) ids.add(ref.node);
  return [...ids];
}
