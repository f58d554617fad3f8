import { AppError } from "@galley/core";

// Pure part of the data diff: which columns are compared and what changed in the table's shape.

export interface DiffColumn {
  name: string;
  type: string;
}

export interface SchemaChanges {
  added: DiffColumn[];
  dropped: DiffColumn[];
  retyped: { name: string; from: string; to: string }[];
}

export interface DiffPlan {
  key: string[];
  /** Columns present on both sides (key columns excluded), compared value by value. */
  compared: { name: string; asText: boolean }[];
  schema: SchemaChanges;
}

/**
 * `target` is the table as it is in the Kitchen merged into (the parent), `source` as it is in
 * the Kitchen being merged (the child): "added" columns are the child's new ones.
 */
export function planDiff(source: DiffColumn[], target: DiffColumn[], key: string[], where: string): DiffPlan {
  if (key.length === 0) throw new AppError("invalid_input", `${where}: no key to match rows by; declare one: a primary key, or \`writes: [{ table, key: [...] }]\` on the node that writes it`, { field: "key" });
  const bySource = new Map(source.map((c) => [c.name, c]));
  const byTarget = new Map(target.map((c) => [c.name, c]));
  for (const k of key) {
    if (!bySource.has(k) || !byTarget.has(k)) throw new AppError("invalid_input", `${where}: key column "${k}" is not on both sides`, { field: "key" });
  }
  const schema: SchemaChanges = {
    added: source.filter((c) => !byTarget.has(c.name)),
    dropped: target.filter((c) => !bySource.has(c.name)),
    retyped: [],
  };
  const compared: DiffPlan["compared"] = [];
  for (const c of target) {
    const s = bySource.get(c.name);
    if (!s) continue;
    const retyped = s.type !== c.type;
    if (retyped) schema.retyped.push({ name: c.name, from: c.type, to: s.type });
    if (!key.includes(c.name)) compared.push({ name: c.name, asText: retyped });
  }
  return { key, compared, schema };
}

/** Bucket count for the hash-per-bucket pass: about `rowsPerBucket` rows in each. */
export function bucketCount(rows: number, rowsPerBucket = 8): number {
  return Math.max(16, Math.min(1 << 20, Math.ceil(rows / rowsPerBucket)));
}

export interface BucketSummary {
  bucket: number;
  n: number;
  sum: string;
}

/** Buckets whose row count or hash sum differ between the two sides. */
export function differingBuckets(source: BucketSummary[], target: BucketSummary[]): number[] {
  const t = new Map(target.map((b) => [b.bucket, b]));
  const out = new Set<number>();
  for (const s of source) {
    const o = t.get(s.bucket);
    if (!o || o.n !== s.n || o.sum !== s.sum) out.add(s.bucket);
    t.delete(s.bucket);
  }
  for (const b of t.keys()) out.add(b);
  return [...out].sort((a, b) => a - b);
}

export interface KeyedHash {
  key: string;
  hash: string;
}

/** Matches two sides' (key, row hash) lists: keys only in one side, and keys whose rows differ. */
export function compareKeyedHashes(source: KeyedHash[], target: KeyedHash[]): { added: string[]; removed: string[]; changed: string[] } {
  const t = new Map(target.map((r) => [r.key, r.hash]));
  const added: string[] = [];
  const changed: string[] = [];
  for (const r of source) {
    const h = t.get(r.key);
    if (h === undefined) added.push(r.key);
    else if (h !== r.hash) changed.push(r.key);
    t.delete(r.key);
  }
  return { added, removed: [...t.keys()], changed };
}
