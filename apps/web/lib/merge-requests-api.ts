// Inputs and outputs of the merge-request routes (shared by routes and forms).
import { ZMergeRules } from "@galley/kitchens/merge-rules";
import { z } from "zod";

export const ZRequestParams = z.object({ id: z.string().max(100) });
export const ZOpenRequestInput = z.object({ title: z.string().trim().min(1, "a title is required").max(200), description: z.string().max(20_000).optional() });
export const ZReviewInput = z.object({ verdict: z.enum(["approved", "changes_requested"]), body: z.string().max(20_000).optional() });
export const ZCommentInput = z.object({ body: z.string().trim().min(1, "write something").max(20_000), path: z.string().max(1000).optional(), line: z.number().int().positive().optional() });
export const ZMergeRequestMergeInput = z.object({ message: z.string().max(2000).optional() });
export const ZListRequestsQuery = z.object({ status: z.enum(["open", "merged", "closed"]).optional() });
export const ZMergeRulesInput = ZMergeRules;

const ZPerson = z.object({ id: z.string(), name: z.string() }).nullable();
export const ZRequestSummary = z.object({ id: z.string(), number: z.number(), title: z.string(), status: z.string(), createdAt: z.date(), source: z.string(), target: z.string() });

export const ZRequestView = z.object({
  id: z.string(),
  number: z.number(),
  title: z.string(),
  description: z.string(),
  status: z.string(),
  source: z.string(),
  target: z.string(),
  sourceDeleted: z.boolean(),
  head: z.string(),
  author: ZPerson,
  createdAt: z.date(),
  merged: z.object({ by: ZPerson, at: z.date(), commit: z.string().nullable() }).nullable(),
  closedAt: z.date().nullable(),
  rules: ZMergeRules,
  files: z.array(z.object({ path: z.string(), status: z.string() })),
  diff: z.array(z.object({ path: z.string(), patch: z.string(), truncated: z.boolean().optional() })),
  conflicts: z.array(z.string()),
  checks: z.array(z.object({ pipeline: z.string(), state: z.string(), runId: z.string().optional(), tests: z.record(z.string(), z.number()) })),
  reviews: z.array(z.object({ reviewer: ZPerson, verdict: z.string(), commit: z.string(), stale: z.boolean(), body: z.string(), at: z.date() })),
  comments: z.array(z.object({ id: z.string(), author: ZPerson, body: z.string(), path: z.string().nullable(), line: z.number().nullable(), commit: z.string(), at: z.date() })),
  verdict: z.object({ mergeable: z.boolean(), missing: z.array(z.string()), approvals: z.object({ fresh: z.number(), stale: z.number(), needed: z.number() }) }),
  may: z.object({ see: z.boolean(), review: z.boolean(), approve: z.boolean(), merge: z.boolean(), close: z.boolean() }),
});
export type TRequestView = z.infer<typeof ZRequestView>;
