/** Where a problem in a pipeline definition is. Every error names its file; line/column are 1-based. */
export interface PipelineError {
  file: string;
  line?: number;
  column?: number;
  /** Field path inside the YAML, e.g. `nodes[2].depends_on[0]`. */
  field?: string;
  message: string;
}

/** Parameter values are literal text (or a number/boolean); they are never rendered as templates. */
export type ParamValue = string | number | boolean;

export interface PipelineParameter {
  default: ParamValue;
  description?: string;
}

export interface PipelineVariation {
  description?: string;
  /** Subset of node ids; absent means every node. */
  nodes?: string[];
  /** When true, every ancestor of `nodes` is added to the subset. */
  include_upstream: boolean;
  parameters: Record<string, ParamValue>;
}

/** A data test of a node (see data-tests/spec.ts): `metric` has exactly one key, the test's kind. */
export interface NodeTest {
  name: string;
  description?: string;
  level: "log" | "warn" | "fail";
  metric: Record<string, unknown>;
  check?: string;
}

export interface RetryPolicy {
  /** Extra attempts after the first one. */
  attempts: number;
  backoff: string;
  /** Delay before the first retry; doubles for each further retry. */
  backoff_ms: number;
}

interface NodeBase {
  id: string;
  description?: string;
  depends_on: string[];
  timeout: string;
  timeout_ms: number;
  retries: RetryPolicy;
  tests: NodeTest[];
  /**
   * Tables the node writes in the Kitchen's schema. SQL nodes' writes are also read from their SQL;
   * for a container this is the only way Galley knows (copy on first write, the data diff).
   */
  writes: TableWrite[];
}

export interface TableWrite {
  table: string;
  /** Columns that identify a row (the data diff's match key); default: the table's primary key. */
  key?: string[];
}

export interface SqlNode extends NodeBase {
  type: "sql";
  /** Path relative to the pipeline folder. Exactly one of `sql_file` / `sql` is set. */
  sql_file?: string;
  sql?: string;
}

export interface ContainerNode extends NodeBase {
  type: "container";
  image: string;
  /** Replaces the image's entrypoint when set. */
  command?: string[];
  args: string[];
  env: Record<string, string>;
  cpu?: number;
  memory?: string;
  memory_bytes?: number;
  /** Globs or paths relative to the pipeline folder, mounted read-only. */
  files: string[];
  /** File the node writes in its work dir: a JSON object of values for downstream nodes and tests. */
  outputs?: string;
}

export type PipelineNode = SqlNode | ContainerNode;

export interface Pipeline {
  name: string;
  description?: string;
  /** Repo path of pipeline.yaml, e.g. `pipelines/orders/pipeline.yaml`. */
  path: string;
  /** Repo path of the pipeline folder, e.g. `pipelines/orders`. */
  folder: string;
  parameters: Record<string, PipelineParameter>;
  variations: Record<string, PipelineVariation>;
  max_duration?: string;
  max_duration_ms?: number;
  on_overrun?: "alert" | "stop";
  nodes: PipelineNode[];
}

/** Input to parsing: one pipeline.yaml plus, when known, what sits beside it. */
export interface PipelineFileInput {
  path: string;
  content: string;
  /** Paths relative to the pipeline folder. When absent, file existence is not checked. */
  siblingFiles?: string[];
  /** Contents of sibling files by relative path; SQL files found here are checked for variables too. */
  sources?: Record<string, string>;
}

export interface ParseResult {
  pipeline?: Pipeline;
  errors: PipelineError[];
}
