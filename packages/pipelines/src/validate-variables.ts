import { isGalleyCredential } from "@galley/core";
import type { ErrorSink } from "./error-sink";
import { ancestorOracle, type Graph } from "./graph";
import { nodeTemplates, scanTemplate, type TemplatePart, type VariableRef } from "./templates";
import type { Pipeline, PipelineNode } from "./types";

export interface VariableCheckContext {
  /** Sibling file contents: a node's `sql_file` text is a template too. */
  sources?: Readonly<Record<string, string>>;
}

/** Node index → ids of nodes whose outputs it reads (variation checks need it). */
export type OutputReads = Map<number, Set<string>>;

/**
 * Every variable in every templated field and SQL file must be known before anything runs.
 * Whether a `{{vault.X}}` secret exists depends on the environment, not on the file: those checks
 * go to `sink.unlessSecret`, so one validation serves every environment's vault names.
 */
export function validateVariables(pipeline: Pipeline, graph: Graph, ctx: VariableCheckContext, sink: ErrorSink): OutputReads {
  let oracle: ((i: number, a: number) => boolean) | undefined;
  const isAncestor = (i: number, a: number) => (oracle ??= ancestorOracle(graph))(i, a);
  const reads: OutputReads = new Map();

  pipeline.nodes.forEach((node, i) => {
    const check = (part: Extract<TemplatePart, { kind: "var" }>, allowOwnOutputs: boolean, report: (problem: string) => void) => {
      if (!part.ref) return report(part.error!);
      if (part.ref.kind === "outputs") {
        if (!reads.has(i)) reads.set(i, new Set());
        reads.get(i)!.add(part.ref.node);
      }
      if (part.ref.kind === "vault" && !isGalleyCredential(part.ref.name)) {
        const secret = part.ref.name;
        return sink.unlessSecret(secret, () => report(`unknown variable {{vault.${secret}}}: no secret "${secret}" in this environment's vault`));
      }
      const problem = refProblem(part.ref, { pipeline, graph, node, index: i, allowOwnOutputs, isAncestor });
      if (problem) report(problem);
    };
    for (const t of nodeTemplates(node)) {
      for (const part of scanTemplate(t.value)) {
        if (part.kind !== "var") continue;
        check(part, t.allowOwnOutputs, (problem) => sink.inString(["nodes", i, ...t.path], part.index, problem));
      }
    }
    const sqlText = node.type === "sql" && node.sql_file ? ctx.sources?.[node.sql_file] : undefined;
    if (sqlText === undefined || !sqlText.includes("{{")) return;
    const file = `${pipeline.folder}/${(node as { sql_file: string }).sql_file}`;
    for (const part of scanTemplate(sqlText)) {
      if (part.kind !== "var") continue;
      check(part, false, (problem) => sink.push({ file, ...positionIn(sqlText, part.index), field: `nodes[${i}].sql_file`, message: problem }));
    }
  });
  return reads;
}

interface RefContext {
  pipeline: Pipeline;
  graph: Graph;
  node: PipelineNode;
  index: number;
  allowOwnOutputs: boolean;
  isAncestor: (i: number, a: number) => boolean;
}

function refProblem(ref: VariableRef, c: RefContext): string | undefined {
  if (ref.kind === "params") {
    return Object.hasOwn(c.pipeline.parameters, ref.name) ? undefined : `unknown variable {{params.${ref.name}}}: parameter "${ref.name}" is not declared under parameters`;
  }
  if (ref.kind === "vault") {
    // Secrets that exist are checked per environment (see validateVariables).
    return `{{vault.${ref.name}}} is Galley's own credential, not a pipeline secret: pipelines cannot use it (a container node reaches the warehouse as its Kitchen's role through PGHOST, PGUSER and PGPASSWORD)`;
  }
  if (ref.kind !== "outputs") return undefined;
  const name = `{{outputs.${ref.node}.${ref.key}}}`;
  const target = c.graph.index.get(ref.node);
  if (target === undefined) return `unknown variable ${name}: no node "${ref.node}"`;
  if (target === c.index && !c.allowOwnOutputs) return `${name}: a node cannot read its own outputs (its tests can)`;
  if (target !== c.index && !c.isAncestor(c.index, target)) {
    return `${name}: node "${ref.node}" is not upstream of "${c.node.id}"; add it to depends_on (directly or through another node)`;
  }
  const producer = c.pipeline.nodes[target];
  if (producer.type !== "container" || !producer.outputs) return `${name}: node "${ref.node}" declares no outputs file`;
  return undefined;
}

function positionIn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lineStart = before.lastIndexOf("\n") + 1;
  let line = 1;
  for (let k = before.indexOf("\n"); k !== -1; k = before.indexOf("\n", k + 1)) line++;
  return { line, column: index - lineStart + 1 };
}
