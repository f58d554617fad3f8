import { AppError } from "@galley/core";
import { renderInto, type RenderMode, type Rendered, type VariableScope } from "./render";
import type { NodeTest, PipelineNode } from "./types";

export interface RenderNodeOptions {
  mode?: RenderMode;
  /** Text of the node's `sql_file`, read by the caller from the run's commit. Rendered into `sql`. */
  sqlText?: string;
}

/**
 * Renders a node's templated fields (sql and the SQL file's text, image, command, args, env values).
 * In `execute` mode tests are returned as written: they may read the node's own outputs, so whoever
 * evaluates them renders them afterwards with `renderNodeTests`.
 */
export function renderNode(node: PipelineNode, scope: VariableScope, options: RenderNodeOptions = {}): Rendered<PipelineNode> {
  const mode = options.mode ?? "execute";
  const secrets = new Set<string>();
  const r = (s: string) => renderInto(s, scope, mode, secrets);
  const tests = mode === "view" ? renderTestsInto(node.tests, scope, mode, secrets) : node.tests;
  if (node.type === "sql") {
    const source = node.sql ?? options.sqlText;
    if (source === undefined) {
      if (mode === "execute") {
        throw new AppError("invalid_input", `node "${node.id}": the text of ${node.sql_file} is needed to render it`, { field: "sqlText" });
      }
      return { value: { ...node, tests }, secretsUsed: [] };
    }
    return { value: { ...node, sql: r(source), tests }, secretsUsed: [...secrets] };
  }
  const value: PipelineNode = {
    ...node,
    image: r(node.image),
    ...(node.command ? { command: node.command.map(r) } : {}),
    args: node.args.map(r),
    env: Object.fromEntries(Object.entries(node.env).map(([k, v]) => [k, r(v)])),
    tests,
  };
  return { value, secretsUsed: [...secrets] };
}

/** Renders a node's tests once the node has finished; `scope.outputs` should include the node's own outputs. */
export function renderNodeTests(node: PipelineNode, scope: VariableScope, mode: RenderMode = "execute"): Rendered<NodeTest[]> {
  const secrets = new Set<string>();
  return { value: renderTestsInto(node.tests, scope, mode, secrets), secretsUsed: [...secrets] };
}

function renderTestsInto(tests: NodeTest[], scope: VariableScope, mode: RenderMode, secrets: Set<string>): NodeTest[] {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return renderInto(v, scope, mode, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  // name and level are identifiers of the test, not templates.
  return tests.map((t) => ({ ...(walk(t) as NodeTest), name: t.name, level: t.level }));
}
