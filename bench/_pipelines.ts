// Shared by the run benchmarks: generated pipelines and a timing summary.
export function chainPipeline(name: string, n: number, type: "sql" | "local"): string {
  const lines = [`name: ${name}`, "nodes:"];
  for (let i = 0; i < n; i++) {
    lines.push(`  - id: n${i}`);
    if (type === "sql") lines.push("    type: sql", "    sql: select 1");
    else lines.push("    type: container", "    image: galley-runner:latest", "    command: ['true']");
    if (i > 0) lines.push(`    depends_on: [n${i - 1}]`);
  }
  return lines.join("\n") + "\n";
}

/** Layers of `width` nodes; each node depends on two nodes of the layer above (fan-in and fan-out). */
export function wideDeepPipeline(name: string, layers: number, width: number, type: "sql" | "docker"): string {
  const lines = [`name: ${name}`, "nodes:"];
  for (let l = 0; l < layers; l++) {
    for (let w = 0; w < width; w++) {
      lines.push(`  - id: l${l}_${w}`);
      if (type === "sql") lines.push("    type: sql", "    sql: select 1");
      else lines.push("    type: container", "    image: galley-runner:latest", "    command: ['true']", "    cpu: 0.25", "    memory: 64m");
      if (l > 0) lines.push(`    depends_on: [l${l - 1}_${w}, l${l - 1}_${(w * 7 + 3) % width}]`.replace(/\[(\w+), \1\]/, "[$1]"));
    }
  }
  return lines.join("\n") + "\n";
}

export function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 10) / 10;
}
