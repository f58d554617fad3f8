import { z } from "zod";

export const POOL_NAME = /^[a-z][a-z0-9-]{0,39}$/;
export const ZPoolName = z.string().regex(POOL_NAME, "a pool name is lowercase letters, digits and -, starting with a letter (at most 40)");

/** Shared by the API route and the admin page's form. */
export const ZIssueWorkerCredentialInput = z.object({
  pool: ZPoolName,
  name: z.string().trim().max(80, "a credential's name is at most 80 characters").default(""),
});
export type TIssueWorkerCredentialInput = z.input<typeof ZIssueWorkerCredentialInput>;

export const ZSetPoolCapacityInput = z.object({
  /** null: no limit beyond each worker's own concurrency. */
  maxRunning: z.number().int().min(1, "a capacity limit is at least 1").max(10_000).nullable(),
});
export type TSetPoolCapacityInput = z.infer<typeof ZSetPoolCapacityInput>;
