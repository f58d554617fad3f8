import { z } from "zod";

// Per-Kitchen merge rules and the verdict on one request. Pure: the use cases gather the facts.

export const MERGE_ROLES = ["developer", "dataops", "production", "admin"] as const;

export const ZMergeRules = z.object({
  /** Merging into this Kitchen needs a merge request (no direct merge). */
  requireRequest: z.boolean().default(false),
  /** Approvals needed on the request's current head commit (0-10). */
  approvals: z.number().int().min(0).max(10).default(0),
  /** Who may approve: "staff" of the target, or users with this role (admins always may). */
  approvers: z.enum(["staff", ...MERGE_ROLES]).default("staff"),
  /** Who may merge: "staff" of the target who may write it, or users with this role. */
  mergers: z.enum(["staff", ...MERGE_ROLES]).default("staff"),
  /** Every changed pipeline must have a green run at the request's head in the source Kitchen. */
  requireGreenChecks: z.boolean().default(false),
});
export type TMergeRules = z.infer<typeof ZMergeRules>;

/** Production ships locked: request + approval by a production engineer + green checks. */
export function defaultMergeRules(environmentKind: "production" | "development"): TMergeRules {
  return environmentKind === "production"
    ? { requireRequest: true, approvals: 1, approvers: "production", mergers: "production", requireGreenChecks: true }
    : { requireRequest: false, approvals: 0, approvers: "staff", mergers: "staff", requireGreenChecks: false };
}

export function effectiveMergeRules(stored: unknown, environmentKind: "production" | "development"): TMergeRules {
  const parsed = stored == null ? undefined : ZMergeRules.safeParse(stored);
  return parsed?.success ? parsed.data : defaultMergeRules(environmentKind);
}

export interface Person {
  id: string;
  role: string;
  isTargetStaff: boolean;
}

/** Whether `who` fits an approvers/mergers rule. */
export function fitsRule(rule: TMergeRules["approvers"], who: Person): boolean {
  if (who.role === "admin") return true;
  return rule === "staff" ? who.isTargetStaff : who.role === rule;
}

const ROLE_WORDS: Record<string, string> = { staff: "staff of the target", developer: "a developer", dataops: "a DataOps engineer", production: "a production engineer", admin: "an admin" };

export type CheckState = "passed" | "warned" | "failed" | "pending" | "missing";

export interface CheckFact {
  pipeline: string;
  state: CheckState;
}

export interface ReviewFact extends Person {
  verdict: "approved" | "changes_requested";
  commit: string;
}

export interface RequestFacts {
  rules: TMergeRules;
  status: "open" | "merged" | "closed";
  authorId: string;
  head: string;
  /** The latest review of each reviewer, any commit. */
  reviews: ReviewFact[];
  checks: CheckFact[];
  conflicts: string[];
  upToDate: boolean;
}

export interface RequestVerdict {
  mergeable: boolean;
  /** What is missing, each a sentence a person can act on. */
  missing: string[];
  approvals: { fresh: number; stale: number; needed: number };
}

/** Latest review per reviewer: an approval counts only on the current head (a new commit makes it stale). */
export function evaluateRequest(f: RequestFacts): RequestVerdict {
  const missing: string[] = [];
  if (f.status !== "open") missing.push(`the request is ${f.status}`);
  if (f.upToDate) missing.push("the source has nothing the target lacks");
  if (f.conflicts.length) missing.push(`conflicts in ${f.conflicts.join(", ")}: merge the parent down into the source Kitchen and resolve them there first`);
  const eligible = f.reviews.filter((r) => r.id !== f.authorId && fitsRule(f.rules.approvers, r));
  const fresh = eligible.filter((r) => r.verdict === "approved" && r.commit === f.head).length;
  const stale = eligible.filter((r) => r.verdict === "approved" && r.commit !== f.head).length;
  const blocking = eligible.filter((r) => r.verdict === "changes_requested" && r.commit === f.head);
  if (fresh < f.rules.approvals) {
    const who = ROLE_WORDS[f.rules.approvers];
    missing.push(`needs ${f.rules.approvals} approval${f.rules.approvals === 1 ? "" : "s"} by ${who} on the latest commit (has ${fresh}${stale ? `; ${stale} stale after new commits` : ""})`);
  }
  if (blocking.length) missing.push(`changes requested by ${blocking.length} reviewer${blocking.length === 1 ? "" : "s"} on the latest commit`);
  if (f.rules.requireGreenChecks) {
    for (const c of f.checks) {
      if (c.state === "failed") missing.push(`check ${c.pipeline} failed: fix it and run it again in the source Kitchen`);
      else if (c.state === "pending") missing.push(`check ${c.pipeline} is still running`);
      else if (c.state === "missing") missing.push(`check ${c.pipeline} has no run at the latest commit: run it in the source Kitchen`);
    }
  }
  return { mergeable: missing.length === 0, missing, approvals: { fresh, stale, needed: f.rules.approvals } };
}

/** Whether `who` may merge the request (beyond its verdict). */
export function mayMerge(rules: TMergeRules, who: Person & { canWriteTarget: boolean }): boolean {
  if (who.role === "admin") return true;
  return rules.mergers === "staff" ? who.isTargetStaff && who.canWriteTarget : who.role === rules.mergers && who.isTargetStaff;
}

export function mergerWords(rules: TMergeRules): string {
  return rules.mergers === "staff" ? "staff of the target who may change it" : `${ROLE_WORDS[rules.mergers]} on the target's staff`;
}

/** Run status → check state. */
export function checkStateOf(run: { status: string; warnings: number } | undefined): CheckState {
  if (!run) return "missing";
  if (run.status === "succeeded") return run.warnings > 0 ? "warned" : "passed";
  if (run.status === "queued" || run.status === "running") return "pending";
  return "failed";
}

/** Pipelines whose files a diff touches: `pipelines/<name>/...`. */
export function changedPipelines(paths: readonly string[]): string[] {
  const names = new Set<string>();
  for (const p of paths) {
    const m = /^pipelines\/([^/]+)\//.exec(p);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}
