import { z } from "zod";
import { ZTest } from "./data-tests/spec";
import { parseDuration, parseMemory } from "./units";

/** Node ids, pipeline and variation names: they appear in job ids, container labels and folder names. */
export const NODE_ID_RE = /^[a-z][a-z0-9_]{0,62}$/;
const NODE_ID_RULE = "must be 1 to 63 characters: a lowercase letter, then lowercase letters, digits or underscores";
/** Parameter, vault, env and output-key names as they appear in `{{params.NAME}}`. */
export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAME_RULE = "must be letters, digits or underscores, not starting with a digit";

export const DEFAULT_TIMEOUT = "10m";
export const DEFAULT_BACKOFF = "2s";
export const MAX_TIMEOUT_MS = 24 * 3_600_000;
export const MAX_RETRIES = 10;

const ZIdentifier = z.string().regex(NODE_ID_RE, NODE_ID_RULE);
const ZName = z.string().regex(NAME_RE, NAME_RULE);
const ZParamValue = z.union([z.string(), z.number(), z.boolean()], {
  error: "must be a string, a number or a boolean",
});

function durationString(max: number) {
  return z.string().superRefine((value, ctx) => {
    try {
      if (parseDuration(value) > max) ctx.addIssue({ code: "custom", message: `must be at most ${max / 3_600_000}h (got "${value}")` });
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message.replace(/^duration /, "") });
    }
  });
}

// Path fields are checked before anything runs, so they must be plain relative paths inside the folder.
const ZRelativePath = z.string().superRefine((value, ctx) => {
  const problem = relativePathProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export function relativePathProblem(value: string): string | undefined {
  if (value.length === 0) return "must not be empty";
  if (value.includes("{{")) return "is a path checked before the run: variables are not allowed here";
  if (value.startsWith("/") || /^[A-Za-z]:/.test(value)) return `must be relative to the pipeline folder (got "${value}")`;
  if (value.split(/[\\/]/).includes("..")) return `must stay inside the pipeline folder: ".." is not allowed (got "${value}")`;
  if (value.includes("\\")) return `must use "/" as separator (got "${value}")`;
  return undefined;
}

const ZRetries = z.strictObject({
  attempts: z.number().int("must be a whole number").min(0).max(MAX_RETRIES).default(0),
  backoff: durationString(MAX_TIMEOUT_MS).default(DEFAULT_BACKOFF),
});


// Tables as PostgreSQL folds unquoted names; a write elsewhere than the Kitchen's schema is refused anyway.
const TABLE_RE = /^[a-z_][a-z0-9_$]{0,62}$/;
const ZTableName = z.string().regex(TABLE_RE, "must be a table of the Kitchen's schema: lowercase letters, digits, _ or $, without a schema prefix");

/** `writes: [orders]` or `writes: [{ table: orders, key: [id] }]`: the key matches rows in a merge request's data diff. */
const ZWrite = z.preprocess(
  (v) => (typeof v === "string" ? { table: v } : v),
  z.strictObject({
    table: ZTableName,
    key: z.array(ZTableName).min(1, "must list at least one column when given").optional(),
  }, { error: (issue) => (issue.code === "invalid_type" ? "must be a table name or { table, key }" : undefined) }),
);

const nodeCommon = {
  id: ZIdentifier,
  description: z.string().optional(),
  depends_on: z.array(z.string()).default([]),
  timeout: durationString(MAX_TIMEOUT_MS).default(DEFAULT_TIMEOUT),
  retries: ZRetries.default({ attempts: 0, backoff: DEFAULT_BACKOFF }),
  tests: z.array(ZTest).default([]),
  writes: z.array(ZWrite).default([]),
};

const ZSqlNode = z
  .strictObject({
    ...nodeCommon,
    type: z.literal("sql"),
    sql_file: ZRelativePath.optional(),
    sql: z.string().min(1, "must not be empty").optional(),
  })
  .superRefine((node, ctx) => {
    if ((node.sql_file === undefined) === (node.sql === undefined)) {
      ctx.addIssue({ code: "custom", message: "a sql node needs exactly one of sql_file or sql", path: [] });
    }
  });

const ZEnvValue = z.union([z.string(), z.number(), z.boolean()], { error: "must be a string, a number or a boolean" });

const ZContainerNode = z.strictObject({
  ...nodeCommon,
  type: z.literal("container"),
  image: z.string().min(1, "must not be empty"),
  command: z.array(z.string()).min(1, "must not be empty when given").optional(),
  args: z.array(z.string()).default([]),
  env: z.record(ZName, ZEnvValue).default({}),
  cpu: z.number().positive("must be more than 0").max(64, "must be at most 64").optional(),
  memory: z
    .string()
    .superRefine((value, ctx) => {
      try {
        parseMemory(value);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message.replace(/^memory /, "") });
      }
    })
    .optional(),
  files: z.array(ZRelativePath).default([]),
  outputs: ZRelativePath.optional(),
});

const ZNode = z.discriminatedUnion("type", [ZSqlNode, ZContainerNode], {
  error: (issue) => (issue.code === "invalid_union" ? 'must be "sql" or "container"' : undefined),
});

const ZParameter = z.strictObject({
  default: ZParamValue,
  description: z.string().optional(),
});

const ZVariation = z.strictObject({
  description: z.string().optional(),
  nodes: z.array(z.string()).min(1, "must list at least one node when given").optional(),
  include_upstream: z.boolean().default(false),
  parameters: z.record(ZName, ZParamValue).default({}),
});

export const ZPipelineFile = z.strictObject({
  name: ZIdentifier,
  description: z.string().optional(),
  parameters: z.record(ZName, ZParameter).default({}),
  variations: z.record(ZIdentifier, ZVariation).default({}),
  /** The longest a run should take; past it the Kitchen's alert routes hear run.overdue. */
  max_duration: durationString(7 * 24 * 3_600_000).optional(),
  /** "stop" also cancels a run past max_duration. */
  on_overrun: z.enum(["alert", "stop"], { error: 'must be "alert" or "stop"' }).optional(),
  nodes: z.array(ZNode).min(1, "must list at least one node"),
});

export type TPipelineFile = z.infer<typeof ZPipelineFile>;
export type TPipelineNodeFile = z.infer<typeof ZNode>;
