// Inputs of the pipelines and runs API, shared by the route handlers and the browser forms.
// Only zod here: client components import this file.
import { z } from "zod";

export const PIPELINE_NAME_RE = /^[a-z][a-z0-9_]{0,62}$/;
const ZPipelineName = z.string().regex(PIPELINE_NAME_RE, "a pipeline name: lower-case letters, digits and _");
const ZNodeId = z.string().regex(PIPELINE_NAME_RE, "a node id: lower-case letters, digits and _");

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export const NODE_STATUSES = ["pending", "queued", "running", "succeeded", "failed", "skipped", "cancelled", "timed_out", "reused"] as const;

export const ZKitchenParams = z.object({ k: z.string().min(1).max(64) });
export const ZPipelineParams = ZKitchenParams.extend({ p: ZPipelineName });
export const ZRunParams = z.object({ id: z.uuid("a run id") });
export const ZNodeLogParams = ZRunParams.extend({ node: ZNodeId });

export const ZSelection = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all") }).strict(),
  z.object({ kind: z.literal("node"), node: ZNodeId }).strict(),
  z.object({ kind: z.literal("downstream"), node: ZNodeId }).strict(),
  z.object({ kind: z.literal("variation"), name: ZPipelineName }).strict(),
]);
export type TSelection = z.infer<typeof ZSelection>;

export const ZStartRunInput = z
  .object({
    parameters: z.record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/, "parameter names are letters, digits and _"), z.union([z.string().max(10_000), z.number(), z.boolean()])).optional(),
    selection: ZSelection.optional(),
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .strict();
export type TStartRunInput = z.infer<typeof ZStartRunInput>;

/** Keyset cursor of the runs list: the id of the last run shown (the previous page's nextCursor). */
export const ZRunsCursor = z.uuid("a cursor from a previous page (nextCursor)");

export const ZRunsQuery = z.object({
  pipeline: ZPipelineName.optional(),
  status: z.enum(RUN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Runs older than this cursor (the previous page's nextCursor). */
  before: ZRunsCursor.optional(),
});
export type TRunsQuery = z.infer<typeof ZRunsQuery>;

export const ZLogsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(5000),
});

/** The "Add test" form's input; the test itself is checked by the pipeline format's own schema. */
export const ZAddTestInput = z.object({
  node: z.string().min(1).max(63),
  test: z.record(z.string(), z.unknown()),
  /** The branch head the form was shown at: a commit in between is a conflict, not an overwrite. */
  expectedHead: z.string().regex(/^[0-9a-f]{40}$/).optional(),
});
export type TAddTestInput = z.infer<typeof ZAddTestInput>;
