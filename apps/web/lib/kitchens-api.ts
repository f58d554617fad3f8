// Shared pieces of the Kitchens, files and merges routes: params and output schemas (outputs are
// parsed, so a field added to a use case never leaks by accident).
import { z } from "zod";
import { ZKitchenRow } from "./read-models/kitchens";

export const ZKitchenParams = z.object({ k: z.string().max(100) });
export const ZMergeParams = z.object({ id: z.string().max(100) });

// The detail is a tree row plus what only the Kitchen page needs.
export const ZKitchenDetailOutput = z.object({
  kitchen: ZKitchenRow.extend({
    alertRoutes: z.array(z.object({ name: z.string(), kind: z.string(), enabled: z.boolean(), health: z.string() })),
    createdBy: z.string().nullable(),
  }),
  children: z.array(z.string()),
  variables: z.array(z.object({ name: z.string(), value: z.string(), source: z.enum(["kitchen", "inherited"]), inheritedFrom: z.string().nullable() })),
  canMergeInto: z.boolean(),
  canMergeUp: z.boolean(),
  canWrite: z.boolean(),
  canManage: z.boolean(),
});

export const ZCreateKitchenOutput = z.object({
  kitchen: z.object({ id: z.string(), name: z.string(), parent: z.string(), environment: z.string(), branch: z.string(), schema: z.string() }),
  report: z.object({
    steps: z.array(z.object({ step: z.string(), ms: z.number() })),
    tables: z.array(z.object({ table: z.string(), mode: z.string(), rows: z.number().optional(), note: z.string().optional(), masked: z.array(z.string()).optional() })),
  }),
});

export const ZFileError = z.object({ file: z.string(), line: z.number().nullable(), field: z.string().nullable(), message: z.string() });

export const ZConflict = z.object({
  path: z.string(),
  base: z.string().nullable(),
  ours: z.string().nullable(),
  theirs: z.string().nullable(),
  merged: z.string().nullable(),
  isBinary: z.boolean(),
});

export const ZMergeOutcome = z.discriminatedUnion("status", [
  z.object({ status: z.literal("committed"), commit: z.string(), fastForward: z.boolean(), upToDate: z.boolean() }),
  z.object({ status: z.literal("conflicts"), mergeId: z.string(), conflicts: z.array(ZConflict) }),
]);
