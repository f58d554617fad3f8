import { AppError, REDACTED } from "@galley/core";
import { nodeRefs } from "./output-reads";
import { originOf } from "./origin";
import { effectiveParameters, parameterValues, type EffectiveParameters, type ParameterSource } from "./parameters";
import { contextValue, type VariableScope } from "./render";
import { renderNode } from "./render-node";
import { variableName } from "./templates";
import type { ParamValue, Pipeline, PipelineError, PipelineNode } from "./types";
import { validatePipeline } from "./validate-pipeline";

export interface CompileContext {
  kitchen: string;
  schema: string;
  environment: string;
  runId: string;
  /** Run parameters. */
  params?: Readonly<Record<string, ParamValue>>;
  /** The Kitchen's overrides for this pipeline. */
  overrides?: Readonly<Record<string, ParamValue>>;
  /** Secret names of the environment; every `{{vault.X}}` must be among them. Undefined: not checked. */
  vaultNames?: readonly string[];
  variation?: string;
  /** Sibling file texts (SQL files); default: what parsing was given. */
  sources?: Readonly<Record<string, string>>;
}

export type VariableSource = ParameterSource | "context" | "vault" | "upstream";

/** For the UI: every variable with its value (secrets `***`, outputs `null` until the run) and where it came from. */
export type ResolvedVariables = Record<string, { value: string | null; source: VariableSource }>;

/** What ran, safe to show anyone: stored on the run. */
export interface CompiledPipeline {
  pipeline: string;
  description?: string;
  path: string;
  kitchen: string;
  schema: string;
  environment: string;
  runId: string;
  variation?: string;
  parameters: EffectiveParameters;
  variables: ResolvedVariables;
  /** Nodes with every variable rendered, except `{{outputs.N.K}}` (known at run time); secrets are `***`. */
  nodes: PipelineNode[];
}

/** Throws AppError(invalid_input) with the PipelineErrors in `details` when the pipeline does not check out here. */
export function compilePipeline(pipeline: Pipeline, ctx: CompileContext): CompiledPipeline {
  const sources = ctx.sources ?? originOf(pipeline).sources;
  const errors = validatePipeline(pipeline, { vaultNames: ctx.vaultNames, sources });
  if (errors.length > 0) throw invalidPipeline(errors);
  const parameters = effectiveParameters(pipeline, ctx.overrides, ctx.params, ctx.variation);
  const scope = viewScope(pipeline, ctx, parameters);
  const nodes = pipeline.nodes.map((node) => {
    const sqlText = node.type === "sql" && node.sql_file ? sources?.[node.sql_file] : undefined;
    return renderNode(node, scope, { mode: "view", sqlText }).value;
  });
  return {
    pipeline: pipeline.name,
    ...(pipeline.description !== undefined ? { description: pipeline.description } : {}),
    path: pipeline.path,
    kitchen: ctx.kitchen,
    schema: ctx.schema,
    environment: ctx.environment,
    runId: ctx.runId,
    ...(ctx.variation !== undefined ? { variation: ctx.variation } : {}),
    parameters,
    variables: collectVariables(pipeline, scope, parameters, sources),
    nodes,
  };
}

/** The variables table alone (the UI shows it before a run is started, too). */
export function resolveVariables(pipeline: Pipeline, ctx: CompileContext): ResolvedVariables {
  const parameters = effectiveParameters(pipeline, ctx.overrides, ctx.params, ctx.variation);
  return collectVariables(pipeline, viewScope(pipeline, ctx, parameters), parameters, ctx.sources ?? originOf(pipeline).sources);
}

function viewScope(pipeline: Pipeline, ctx: CompileContext, parameters: EffectiveParameters): VariableScope {
  return {
    kitchen: ctx.kitchen,
    schema: ctx.schema,
    environment: ctx.environment,
    runId: ctx.runId,
    pipeline: pipeline.name,
    params: parameterValues(parameters),
    // Names only: the view never needs a secret's value.
    vault: ctx.vaultNames ? Object.fromEntries(ctx.vaultNames.map((n) => [n, ""])) : undefined,
  };
}

function collectVariables(
  pipeline: Pipeline,
  scope: VariableScope,
  parameters: EffectiveParameters,
  sources: Readonly<Record<string, string>> | undefined,
): ResolvedVariables {
  const out: ResolvedVariables = {};
  for (const name of ["CurrentKitchen", "schema", "environment", "run.id", "pipeline"]) {
    out[name] = { value: contextValue(name, scope), source: "context" };
  }
  for (const [name, p] of Object.entries(parameters)) out[`params.${name}`] = { value: String(p.value), source: p.source };
  const used = pipeline.nodes.flatMap((node) => nodeRefs(node, sources));
  for (const ref of used) {
    if (ref.kind === "vault") out[variableName(ref)] = { value: REDACTED, source: "vault" };
    if (ref.kind === "outputs") out[variableName(ref)] = { value: null, source: "upstream" };
  }
  return out;
}

function invalidPipeline(errors: PipelineError[]): AppError {
  const first = errors[0];
  const where = first.line ? `${first.file}:${first.line}` : first.file;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  return new AppError("invalid_input", `${where}: ${first.message}${more}`, { field: first.field, details: errors });
}
