import type { TPipelineFile, TPipelineNodeFile } from "./schema";
import type { Pipeline, PipelineNode } from "./types";
import { parseDuration, parseMemory } from "./units";

/** Schema-valid file data → the Pipeline object: defaults filled in, durations and sizes in numbers. */
export function normalisePipeline(data: TPipelineFile, path: string): Pipeline {
  return {
    name: data.name,
    ...(data.description !== undefined ? { description: data.description } : {}),
    path,
    folder: path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "",
    parameters: data.parameters,
    variations: data.variations,
    nodes: data.nodes.map(normaliseNode),
  };
}

function normaliseNode(node: TPipelineNodeFile): PipelineNode {
  const common = {
    id: node.id,
    ...(node.description !== undefined ? { description: node.description } : {}),
    depends_on: node.depends_on,
    timeout: node.timeout,
    timeout_ms: parseDuration(node.timeout),
    retries: { attempts: node.retries.attempts, backoff: node.retries.backoff, backoff_ms: parseDuration(node.retries.backoff) },
    tests: node.tests,
  };
  if (node.type === "sql") {
    return { ...common, type: "sql", ...(node.sql_file !== undefined ? { sql_file: node.sql_file } : { sql: node.sql }) };
  }
  return {
    ...common,
    type: "container",
    image: node.image,
    ...(node.command ? { command: node.command } : {}),
    args: node.args,
    // YAML reads `PORT: 5432` as a number; the process sees text either way.
    env: Object.fromEntries(Object.entries(node.env).map(([k, v]) => [k, String(v)])),
    ...(node.cpu !== undefined ? { cpu: node.cpu } : {}),
    ...(node.memory !== undefined ? { memory: node.memory, memory_bytes: parseMemory(node.memory) } : {}),
    files: node.files,
    ...(node.outputs !== undefined ? { outputs: node.outputs } : {}),
  };
}
