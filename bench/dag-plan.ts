// What a "run" click costs on a 1,000-node pipeline before anything is written, end to end:
// parse, validate, plan, compile (variables resolved) and the DAG layout the run page draws.
// Target: p50 of all of it under 100 ms. Usage: pnpm bench dag-plan [iterations] [nodes]
import os from "node:os";
import { compilePipeline, layoutDag, parsePipeline, planRun, type PipelineFileInput } from "@galley/pipelines";

const iterations = Math.max(50, Number(process.argv[2] ?? 50));
const nodeCount = Number(process.argv[3] ?? 1000);
const warmups = 5;

/** Deterministic pseudo-random numbers (mulberry32) so every run measures the same DAG. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Wide and deep: 25 layers of 40 nodes. Each node depends on 1-3 nodes of the previous layer and
 * sometimes on one further back; a third are SQL nodes reading a file, the rest containers with
 * templated env, resources, retries, tests, and outputs read by a downstream node.
 */
function generate(n: number): PipelineFileInput {
  const rnd = random(42);
  const width = 40;
  const id = (i: number) => `n${String(i).padStart(4, "0")}`;
  const lines = ["name: big", "description: generated for bench/dag-plan", "parameters:", "  days: { default: 7 }", "  region: { default: all }", "variations:", "  first_half:", `    nodes: [${id(Math.floor(n / 2))}]`, "    include_upstream: true", "nodes:"];
  const sources: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / width);
    const deps = new Set<number>();
    if (layer > 0) {
      const prev = (layer - 1) * width;
      const count = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < count; k++) deps.add(prev + Math.floor(rnd() * width));
      if (layer > 2 && rnd() < 0.3) deps.add(Math.floor(rnd() * (layer - 2) * width));
    }
    const depList = [...deps].sort((a, b) => a - b);
    lines.push(`  - id: ${id(i)}`, `    depends_on: [${depList.map(id).join(", ")}]`);
    if (i % 3 === 0) {
      lines.push("    type: sql", `    sql_file: sql/${id(i)}.sql`, "    timeout: 2m");
      sources[`sql/${id(i)}.sql`] = `-- ${id(i)}\ncreate table t_${id(i)} as select * from src where days <= {{params.days}};\n`;
      continue;
    }
    // Container nodes write outputs; a child reads its first container parent's outputs.
    const producer = depList.find((d) => d % 3 !== 0);
    lines.push(
      "    type: container",
      "    image: galley-runner:latest",
      `    command: ["sh", "-c", "echo {{run.id}} {{params.region}} > /dev/null"]`,
      "    env:",
      '      SCHEMA: "{{schema}}"',
      '      KITCHEN: "{{CurrentKitchen}}"',
      '      PGPASSWORD: "{{vault.LOADER_TOKEN}}"',
      ...(producer !== undefined ? [`      UPSTREAM_ROWS: "{{outputs.${id(producer)}.rows}}"`] : []),
      "    cpu: 0.5",
      "    memory: 256m",
      "    outputs: outputs.json",
      "    retries: { attempts: 2, backoff: 2s }",
      "    tests:",
      "      - { name: took, metric: duration, check: '< 600', level: warn }",
    );
  }
  return { path: "pipelines/big/pipeline.yaml", content: `${lines.join("\n")}\n`, siblingFiles: Object.keys(sources), sources };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const round1 = (x: number) => Math.round(x * 10) / 10;

const input = generate(nodeCount);
const first = parsePipeline(input);
if (!first.pipeline) {
  console.error(first.errors.slice(0, 5));
  throw new Error("the generated pipeline does not validate");
}

const ctx = { kitchen: "dev", schema: "k_dev", environment: "dev", runId: "r1", vaultNames: ["LOADER_TOKEN"] };
const total: number[] = [];
let cpuStart: NodeJS.CpuUsage | undefined;
const parts = { parse: [] as number[], plan: [] as number[], compile: [] as number[], layout: [] as number[] };
for (let i = 0; i < warmups + iterations; i++) {
  if (i === warmups) cpuStart = process.cpuUsage();
  // One interval per step, each starting where the previous ended: the parts add up to the total.
  const t0 = performance.now();
  const { pipeline, errors } = parsePipeline(input);
  const t1 = performance.now();
  const planned = planRun(pipeline!, { kind: "all" });
  const t2 = performance.now();
  compilePipeline(pipeline!, ctx);
  const t3 = performance.now();
  layoutDag(pipeline!);
  const t4 = performance.now();
  if (errors.length > 0 || planned.nodes.length !== nodeCount) throw new Error("unexpected result");
  if (i >= warmups) {
    total.push(t4 - t0);
    parts.parse.push(t1 - t0);
    parts.plan.push(t2 - t1);
    parts.compile.push(t3 - t2);
    parts.layout.push(t4 - t3);
  }
}

// CPU time per click (user + system, all threads: GC included) is steadier than wall time on a loaded machine.
const cpu = process.cpuUsage(cpuStart);
const cpuMsPerOp = (cpu.user + cpu.system) / 1000 / iterations;
console.log(`bench dag-plan p50_ms=${round1(percentile(total, 50))} p99_ms=${round1(percentile(total, 99))} n=${iterations} nodes=${nodeCount} cpu_ms_per_op=${round1(cpuMsPerOp)} load1=${os.loadavg()[0].toFixed(2)}`);
console.log(
  `bench dag-plan parse_validate_p50_ms=${round1(percentile(parts.parse, 50))} plan_p50_ms=${round1(percentile(parts.plan, 50))} compile_p50_ms=${round1(percentile(parts.compile, 50))} layout_p50_ms=${round1(percentile(parts.layout, 50))} yaml_kb=${Math.round(input.content.length / 1024)}`,
);
