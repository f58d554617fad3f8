// Browser-safe: only zod. Route handlers and the Kitchen forms share these inputs.
import { z } from "zod";

/** Kitchen names become schema and branch names: the identifier rule of @galley/core (`^[a-z][a-z0-9_]{1,39}$`). */
export const ZKitchenName = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, "2 to 40 characters: a lowercase letter, then lowercase letters, digits or underscores");

/**
 * A new Kitchen's name becomes a schema (and a role `galley_k_<name>`) in a shared warehouse. PostgreSQL refuses
 * schemas named `pg_*` ("unacceptable schema name"), `information_schema` and `public` exist in every database, and
 * `galley_*` is Galley's own namespace (roles, warehouse databases, internal schemas).
 */
export const RESERVED_PREFIXES = ["pg_", "galley_"] as const;
export const RESERVED_NAMES = ["information_schema", "public"] as const;

/** Why `name` may not name a new Kitchen, or null. */
export function reservedNameProblem(name: string): string | null {
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix) return `names starting with ${prefix} are reserved (${prefix === "pg_" ? "by PostgreSQL for system schemas" : "by Galley for its own roles and schemas"}); choose another name`;
  if ((RESERVED_NAMES as readonly string[]).includes(name)) return `${name} is a schema every warehouse database already has; choose another name`;
  return null;
}

export const ZNewKitchenName = ZKitchenName.superRefine((name, ctx) => {
  const problem = reservedNameProblem(name);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const ZEmailAddress = z.string().trim().toLowerCase().max(254).pipe(z.email("enter a valid email"));

export const ZCreateKitchenInput = z.object({
  name: ZNewKitchenName,
  parent: ZKitchenName,
  description: z.string().trim().max(500).default(""),
  isPrivate: z.boolean().default(false),
  isPersistent: z.boolean().default(true),
  /** Environment name; defaults to the parent's. */
  environment: ZKitchenName.optional(),
  /** Emails of people to invite (the creator is always an owner). */
  staff: z.array(ZEmailAddress).max(50).default([]),
  /** A data policy (see @galley/warehouse ZDataPolicy); defaults to the environment's. Checked by the use case. */
  dataPolicy: z.unknown().optional(),
});
export type TCreateKitchenInput = z.input<typeof ZCreateKitchenInput>;

export const ZDeleteKitchenInput = z.object({ confirm: z.string().max(100) });
export type TDeleteKitchenInput = z.infer<typeof ZDeleteKitchenInput>;

// Alerts go to the Kitchen's alert routes (@galley/alerts), whose URLs live in the vault: the
// Kitchen row keeps no channel of its own.
export const ZPatchKitchenInput = z
  .strictObject({ description: z.string().trim().max(500).optional() }, { error: (issue) => (issue.code === "unrecognized_keys" ? `cannot be changed here: ${issue.keys.join(", ")} (alerts go to the Kitchen's alert routes, under Settings)` : undefined) })
  .refine((v) => v.description !== undefined, "nothing to change: send description");
export type TPatchKitchenInput = z.infer<typeof ZPatchKitchenInput>;

export const ZAddStaffInput = z.object({ email: ZEmailAddress });

/** Variable names as pipelines reference them: `{{NAME}}`. */
export const ZVariableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "letters, digits and _, not starting with a digit (at most 64)");
export const ZSetVariableInput = z.object({ value: z.string().max(10_000) });

export const ZRepoPath = z.string().min(1).max(1024);
export const ZCommitMessage = z.string().trim().min(1, "a commit message is required").max(10_000);
export const ZSha = z.string().regex(/^[0-9a-f]{40}$/, "a 40-character commit id");

export const ZSaveFileInput = z.object({
  path: ZRepoPath,
  content: z.string(),
  message: ZCommitMessage,
  expectedHead: ZSha.optional(),
  /** Refuse to commit a pipeline file that does not validate. */
  strict: z.boolean().default(false),
});
export type TSaveFileInput = z.input<typeof ZSaveFileInput>;

export const ZDeleteFileQuery = z.object({ path: ZRepoPath, message: ZCommitMessage, expectedHead: ZSha.optional() });
export const ZValidateFileInput = z.object({ path: ZRepoPath, content: z.string() });
export const ZRevertInput = z.object({ sha: ZSha.optional(), expectedHead: ZSha.optional() });
export const ZHistoryQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), path: ZRepoPath.optional() });

export const ZMergeDirection = z.enum(["down", "up"]);
export type TMergeDirection = z.infer<typeof ZMergeDirection>;
export const ZMergePreviewInput = z.object({ direction: ZMergeDirection });
export const ZMergeInput = z.object({ direction: ZMergeDirection, message: z.string().trim().min(1).max(10_000).optional() });
export const ZResolveMergeInput = z.object({ resolutions: z.record(z.string(), z.string().nullable()) });

/** What a conflicted file looks like to the three-panel view (ours = target, theirs = source). */
export const ZMergeConflict = z.object({
  path: z.string(),
  base: z.string().nullable(),
  ours: z.string().nullable(),
  theirs: z.string().nullable(),
  merged: z.string().nullable(),
  isBinary: z.boolean().default(false),
});
export type TMergeConflict = z.infer<typeof ZMergeConflict>;
