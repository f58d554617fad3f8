// Pipeline definitions without I/O: parse, validate, plan, render, compile, lay out.
export type {
  ContainerNode,
  NodeTest,
  ParamValue,
  ParseResult,
  Pipeline,
  PipelineError,
  PipelineFileInput,
  PipelineNode,
  PipelineParameter,
  PipelineVariation,
  RetryPolicy,
  SqlNode,
  TableWrite,
} from "./types";
export { parsePipeline, MAX_NODES, MAX_PIPELINE_BYTES } from "./parse-pipeline";
export { validatePipeline, type ValidationContext } from "./validate-pipeline";
export { loadPipelines, type RepoFile } from "./load-pipelines";
export {
  planRun,
  downstreamOf,
  retryDelayMs,
  MAX_RETRY_DELAY_MS,
  type PlannedNode,
  type PlanOptions,
  type ResumeFrom,
  type RunPlan,
  type RunSelection,
} from "./plan-run";
export { effectiveParameters, parameterValues, getVariationOrThrow, type EffectiveParameters, type ParameterSource } from "./parameters";
export { renderTemplate, renderValue, type RenderMode, type RenderOptions, type Rendered, type VariableScope } from "./render";
export { renderNode, renderNodeTests, type RenderNodeOptions } from "./render-node";
export {
  compilePipeline,
  resolveVariables,
  type CompileContext,
  type CompiledPipeline,
  type ResolvedVariables,
  type VariableSource,
} from "./compile-pipeline";
export { scanTemplate, variableName, CONTEXT_VARIABLES, type TemplatePart, type VariableRef } from "./templates";
export { outputProducers } from "./output-reads";
export { layoutDag, type DagLayout, type LayoutOptions } from "./layout-dag";
export type { DagLike } from "./graph";
export { matchFiles, globToRegExp } from "./glob";
export { parseDuration, parseMemory } from "./units";
export { NODE_ID_RE, DEFAULT_TIMEOUT, DEFAULT_BACKOFF, MAX_TIMEOUT_MS, MAX_RETRIES } from "./schema";
export { formatPath } from "./yaml-source";
// Data tests (issue 8): spec, checks, statistical process control, metric SQL, evaluation.
export { parseCheck, checkRefs, CheckSyntaxError, CONTROL_DEFAULTS, type Check, type ControlSettings } from "./data-tests/check";
export { controlLimits, judgeControl, firstRule, rulePoints, RULE_TEXT, type ControlLimits, type ControlRule } from "./data-tests/spc";
export { judge, needsHistory, historyDepth, type Judgement } from "./data-tests/judge";
export { metricQuery, quoteTable, MAX_EXAMPLES } from "./data-tests/metric-sql";
export { evaluateTests, testConsequences, type TestOutcome, type TestQuery, type Verdict, type EvaluateInput } from "./data-tests/evaluate";
export { ZTest, ZMetric, TEST_KINDS, ROW_TESTS, METRICS, testKind, isRowTest, type TestKind } from "./data-tests/spec";
export { addTestToPipelineYaml } from "./data-tests/add-test";
