// What the merge-request API returns (see lib/merge-requests-api.ts).
export interface Person {
  id: string;
  name: string;
}

export interface RequestView {
  id: string;
  number: number;
  title: string;
  description: string;
  status: "open" | "merged" | "closed";
  source: string;
  target: string;
  sourceDeleted: boolean;
  head: string;
  author: Person | null;
  createdAt: string;
  merged: { by: Person | null; at: string; commit: string | null } | null;
  closedAt: string | null;
  rules: { requireRequest: boolean; approvals: number; approvers: string; mergers: string; requireGreenChecks: boolean };
  files: { path: string; status: string }[];
  diff: { path: string; patch: string; truncated?: boolean }[];
  conflicts: string[];
  checks: { pipeline: string; state: "passed" | "warned" | "failed" | "pending" | "missing"; runId?: string; tests: Record<string, number> }[];
  reviews: { reviewer: Person | null; verdict: "approved" | "changes_requested"; commit: string; stale: boolean; body: string; at: string }[];
  comments: { id: string; author: Person | null; body: string; path: string | null; line: number | null; commit: string; at: string }[];
  verdict: { mergeable: boolean; missing: string[]; approvals: { fresh: number; stale: number; needed: number } };
  may: { see: boolean; review: boolean; approve: boolean; merge: boolean; close: boolean };
}

export type Row = Record<string, unknown>;

export type TableDiffEntry =
  | {
      status: "compared";
      table: string;
      key: string[];
      method: "join" | "buckets";
      counts: { source: number; target: number };
      rows: { added: number; removed: number; changed: number; unchanged: number };
      schema: { added: { name: string; type: string }[]; dropped: { name: string; type: string }[]; retyped: { name: string; from: string; to: string }[] };
      columns: { name: string; changed: number; rate: number }[];
      exact: boolean;
      examples: { added: Row[]; removed: Row[]; changed: { before: Row; after: Row }[] };
    }
  | { status: "new"; table: string; rows: number }
  | { status: "missing" | "error"; table: string; message: string };
