// The compiled pipeline as readable JSON. jsonb stores object keys in its own order (shortest
// first), so keys are put back in the order a person reads a pipeline file.
const ORDER = [
  "pipeline", "name", "description", "path", "kitchen", "schema", "environment", "runId", "variation", "parameters", "variables",
  "id", "type", "depends_on", "image", "command", "args", "env", "files", "sql_file", "sql", "outputs", "cpu", "memory", "timeout", "retries", "tests",
  "value", "source", "nodes",
];
const rank = new Map(ORDER.map((k, i) => [k, i]));

export function readableOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(readableOrder);
  if (!value || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>);
  entries.sort(([a], [b]) => (rank.get(a) ?? 1000) - (rank.get(b) ?? 1000) || a.localeCompare(b));
  return Object.fromEntries(entries.map(([k, v]) => [k, readableOrder(v)]));
}

export function CompiledJson({ value, className }: { value: unknown; className: string }) {
  return <pre className={className}>{JSON.stringify(readableOrder(value), null, 2)}</pre>;
}
