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
    ...(data.max_duration !== undefined ? { max_duration: data.max_duration, max_duration_ms: parseDuration(data.max_duration) } : {}),
    ...(data.on_overrun !== undefined ? { on_overrun: data.on_overrun } : {}),
    nodes: data.nodes.map(normaliseNode),
  };
}

// Plain assignments rather than conditional spreads: this runs once per node on every run click.
function normaliseNode(node: TPipelineNodeFile): PipelineNode {
  const common: Record<string, unknown> = { id: node.id };
  if (node.description !== undefined) common.description = node.description;
  common.depends_on = node.depends_on;
  common.timeout = node.timeout;
  common.timeout_ms = parseDuration(node.timeout);
  common.retries = { attempts: node.retries.attempts, backoff: node.retries.backoff, backoff_ms: parseDuration(node.retries.backoff) };
  common.tests = node.tests;
  common.writes = node.writes;
  if (node.type === "sql") {
    common.type = "sql";
    if (node.sql_file !== undefined) common.sql_file = node.sql_file;
    else common.sql = node.sql;
    return common as unknown as PipelineNode;
  }
  common.type = "container";
  common.image = node.image;
  if (node.command) common.command = node.command;
  common.args = node.args;
  // YAML reads `PORT: 5432` as a number; the process sees text either way.
  const env: Record<string, string> = {};
  for (const k in node.env) env[k] = String(node.env[k]);
  common.env = env;
  if (node.cpu !== undefined) common.cpu = node.cpu;
  if (node.memory !== undefined) {
    common.memory = node.memory;
    common.memory_bytes = parseMemory(node.memory);
  }
  common.files = node.files;
  if (node.outputs !== undefined) common.outputs = node.outputs;
  return common as unknown as PipelineNode;
}
