import { randomUUID } from "node:crypto";
import { AppError } from "@galley/core";
import type { Db } from "@galley/db";
import { compilePipeline, loadPipelines, matchFiles, planRun, type ParamValue, type Pipeline, type RepoFile, type RunSelection } from "@galley/pipelines";
import { createRun } from "./create-run";

/** What a run needs from the analytics repository. */
export interface PipelineSource {
  headOf(branch: string): Promise<string>;
  /** Text files under `prefix` at a commit. */
  readTextFiles(commit: string, prefix: string): Promise<RepoFile[]>;
}

export interface StartRunDeps {
  db: Db;
  source: PipelineSource;
  vaultNames(environmentId: string): Promise<string[]>;
  executor: "docker" | "local";
  dispatchNow?: () => void;
}

export interface StartRunInput {
  kitchenId: string;
  pipeline: string;
  parameters?: Record<string, ParamValue>;
  selection?: RunSelection;
  trigger: "manual" | "schedule" | "merge" | "resume";
  triggeredById: string | null;
  idempotencyKey?: string | null;
  resumeFromRunId?: string | null;
}

/** Everything the worker needs to execute the run, frozen at the commit it was planned from. */
export interface RunDocument {
  deps: Record<string, string[]>;
  /** The pipeline as parsed (templates unrendered): the worker renders it with real secrets. */
  source: Pipeline;
  /** Sibling SQL texts at the commit, by path relative to the pipeline folder. */
  sources: Record<string, string>;
  /**
   * The files container nodes mount (their `files` globs), by path relative to the pipeline
   * folder, frozen at the commit: a worker on another host never reads the repository. Absent in
   * runs planned before worker hosts; the worker then reads them from the repository if it has one.
   */
  files?: Record<string, string>;
  /** Per node: attempts, backoff, timeout. */
  policy: Record<string, { backoffMs: number; timeoutMs: number }>;
  context: { kitchen: string; schema: string; environment: string; environmentId: string; params: Record<string, ParamValue> };
  /** What ran, safe to show: secrets `***`. */
  compiled: unknown;
  /** The pipeline's max_duration, read by the run.deadline job. */
  limits?: { maxDurationMs?: number; stopOnOverrun?: boolean };
}

export async function loadPipelineAt(
  source: PipelineSource, commit: string, name: string,
): Promise<{ pipeline: Pipeline; sources: Record<string, string>; files: Record<string, string> }> {
  const files = await source.readTextFiles(commit, `pipelines/${name}/`);
  const { pipelines, errors } = loadPipelines(files);
  const pipeline = pipelines.find((p) => p.name === name);
  if (!pipeline) {
    const mine = errors.filter((e) => e.file.startsWith(`pipelines/${name}/`));
    if (mine.length) {
      const e = mine[0];
      throw new AppError("invalid_input", `${e.file}${e.line ? `:${e.line}` : ""}: ${e.message}`, { field: e.field, details: mine });
    }
    throw new AppError("not_found", `pipeline ${name} does not exist on this Kitchen's branch (expected pipelines/${name}/pipeline.yaml)`);
  }
  const sources = Object.fromEntries(
    files.filter((f) => f.path.endsWith(".sql")).map((f) => [f.path.slice(`pipelines/${name}/`.length), f.content]),
  );
  const rel = new Map(files.map((f) => [f.path.slice(`pipelines/${name}/`.length), f.content]));
  const patterns = pipeline.nodes.flatMap((n) => (n.type === "container" ? n.files : []));
  const mounted = Object.fromEntries(matchFiles(patterns, [...rel.keys()]).map((p) => [p, rel.get(p)!]));
  return { pipeline, sources, files: mounted };
}

/**
 * Plans a run from the Kitchen branch's head at this moment (the commit is recorded), compiles
 * it (validation included: unknown variables and secrets fail here, before anything runs) and
 * records it with its root jobs.
 */
export async function startRun(deps: StartRunDeps, input: StartRunInput): Promise<{ runId: string; created: boolean }> {
  const kitchen = await deps.db.kitchen.findFirst({
    where: { id: input.kitchenId, deletedAt: null },
    select: { id: true, name: true, branch: true, schemaName: true, environmentId: true, environment: { select: { name: true, pool: true } }, variables: { select: { name: true, value: true } } },
  });
  if (!kitchen) throw new AppError("not_found", "Kitchen not found");
  const commit = await deps.source.headOf(kitchen.branch);
  const { pipeline, sources, files } = await loadPipelineAt(deps.source, commit, input.pipeline);
  const overrides = Object.fromEntries(kitchen.variables.map((v) => [v.name, v.value]));
  const vaultNames = await deps.vaultNames(kitchen.environmentId);

  let resume: { succeeded: string[]; outputs: Record<string, Record<string, unknown>> } | undefined;
  if (input.resumeFromRunId) {
    const prev = await deps.db.run.findFirst({ where: { id: input.resumeFromRunId, kitchenId: kitchen.id }, select: { status: true, nodes: { select: { nodeId: true, status: true, outputs: true } } } });
    if (!prev) throw new AppError("not_found", "the run to resume does not exist in this Kitchen");
    if (prev.status !== "failed" && prev.status !== "cancelled") throw new AppError("conflict", `only a failed or cancelled run can be resumed (this one is ${prev.status})`);
    const done = prev.nodes.filter((n) => n.status === "succeeded" || n.status === "reused");
    resume = { succeeded: done.map((n) => n.nodeId), outputs: Object.fromEntries(done.map((n) => [n.nodeId, n.outputs as Record<string, unknown>])) };
  }

  const selection: RunSelection = input.selection ?? { kind: "all" };
  const plan = planRun(pipeline, { ...selection, ...(resume ? { resume } : {}) }, { overrides, runParams: input.parameters });
  // The id is chosen here so the compiled pipeline shows the real {{run.id}}.
  const runId = randomUUID();
  const variation = selection.kind === "variation" ? selection.name : undefined;
  const compiled = compilePipeline(pipeline, {
    kitchen: kitchen.name, schema: kitchen.schemaName, environment: kitchen.environment.name, runId,
    params: input.parameters, overrides, vaultNames, variation, sources,
  });
  const params = Object.fromEntries(Object.entries(plan.parameters).map(([k, v]) => [k, v.value]));
  const doc: RunDocument = {
    deps: Object.fromEntries(plan.nodes.map((n) => [n.id, n.deps])),
    source: pipeline,
    sources,
    files,
    policy: Object.fromEntries(plan.nodes.map((n) => [n.id, { backoffMs: n.backoffMs, timeoutMs: n.timeoutMs }])),
    context: { kitchen: kitchen.name, schema: kitchen.schemaName, environment: kitchen.environment.name, environmentId: kitchen.environmentId, params },
    compiled,
    ...(pipeline.max_duration_ms ? { limits: { maxDurationMs: pipeline.max_duration_ms, stopOnOverrun: pipeline.on_overrun === "stop" } } : {}),
  };
  return createRun({ db: deps.db, dispatchNow: deps.dispatchNow }, {
    id: runId,
    kitchenId: kitchen.id,
    pipeline: pipeline.name,
    commit,
    trigger: input.resumeFromRunId ? "resume" : input.trigger,
    triggeredById: input.triggeredById,
    parameters: params,
    variation: variation ?? null,
    selection,
    compiled: doc,
    executor: deps.executor,
    pool: kitchen.environment.pool,
    idempotencyKey: input.idempotencyKey ?? null,
    resumedFromId: input.resumeFromRunId ?? null,
    maxDurationMs: pipeline.max_duration_ms ?? null,
    nodes: plan.nodes.map((n) => ({ id: n.id, type: n.type, deps: n.deps, remainingDeps: n.remainingDeps, reused: n.reused, maxAttempts: n.maxAttempts, outputs: n.reused ? resume?.outputs[n.id] : undefined })),
  });
}
