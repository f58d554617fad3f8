/** Plain data returned by AnalyticsRepo. Shas are full 40-character hex strings. */

export interface Author {
  name: string;
  email: string;
}

export interface FileEntry {
  path: string;
  size: number;
  /** Git file mode: "100644" file, "100755" executable, "120000" symlink, "160000" submodule. */
  mode: string;
}

export interface FileContent {
  /** UTF-8 text; empty when `isBinary` (binary files are not decoded). */
  content: string;
  isBinary: boolean;
  size: number;
  blobSha: string;
}

export interface TextFile {
  path: string;
  content: string;
  blobSha: string;
}

export interface SkippedFile {
  path: string;
  reason: "binary" | "symlink" | "submodule" | "too_large";
}

export interface FileChange {
  path: string;
  /** New UTF-8 content, or null to delete the file. */
  content: string | null;
}

export interface CommitInput {
  changes: FileChange[];
  message: string;
  author: Author;
  /** Fail with `conflict` unless the branch is still at this commit (optimistic locking for editors). */
  expectedHead?: string;
}

export interface LogEntry {
  sha: string;
  parents: string[];
  author: string;
  email: string;
  /** ISO 8601 author date. */
  date: string;
  message: string;
}

export type ChangeStatus = "added" | "modified" | "deleted";

export interface ChangedFile {
  path: string;
  status: ChangeStatus;
}

export interface FilePatch {
  path: string;
  /** Unified diff text of this file (`diff --git` header included). */
  patch: string;
  /** True when the patch was cut at the size limit. */
  truncated?: boolean;
}

export interface CommitDetails extends LogEntry {
  files: Array<ChangedFile & { patch: string; truncated?: boolean }>;
}

export interface Comparison {
  /** Commits on head that base lacks. */
  ahead: number;
  /** Commits on base that head lacks. */
  behind: number;
  mergeBase: string | null;
  /** Changes made on head since the merge base (what a merge of head into base would bring). */
  files: ChangedFile[];
  diff: FilePatch[];
}

export interface MergeConflict {
  path: string;
  /** Content at the merge base, null when the file did not exist there. */
  base: string | null;
  /** Target branch's content (where the merge lands). */
  ours: string | null;
  /** Source branch's content (what is being merged in). */
  theirs: string | null;
  /** Git's merge result with `<<<<<<< target` / `>>>>>>> source` markers; null when the result has no file. */
  merged: string | null;
  /** Binary files are not decoded: the text fields are empty strings (or null when absent). */
  isBinary: boolean;
}

export interface MergePreview {
  sourceHead: string;
  targetHead: string;
  mergeBase: string | null;
  /** Source is already contained in target: nothing to merge. */
  upToDate: boolean;
  /** Target is an ancestor of source: the merge can just move target forward. */
  fastForward: boolean;
  /** How target's files would change. */
  files: ChangedFile[];
  conflicts: MergeConflict[];
}

export interface MergeInput {
  author: Author;
  message?: string;
  expectedTargetHead?: string;
  expectedSourceHead?: string;
  /** Final content for every conflicted path (null deletes it). Required when the merge conflicts. */
  resolutions?: Record<string, string | null>;
  /** Default true: when target is an ancestor of source, move target to source without a merge commit. */
  allowFastForward?: boolean;
}

export interface MergeResult {
  commit: string;
  fastForward: boolean;
  /** Nothing to merge; `commit` is target's unchanged head. */
  upToDate: boolean;
}

export interface RevertInput {
  /** Commit to undo; defaults to the branch head. Must be on the branch. */
  sha?: string;
  author: Author;
  message?: string;
  expectedHead?: string;
}

export interface RefUpdate {
  ref: string;
  oldSha: string;
  newSha: string;
}

/**
 * Merges one file that git could not merge line by line, knowing its format: the merged text, null
 * to delete the file, or undefined when it cannot decide (a person resolves it then).
 */
export type MergeDriver = (sides: { base: string | null; ours: string | null; theirs: string | null }) => string | null | undefined;
/** Drivers by path from the repository root. */
export type MergeDrivers = Readonly<Record<string, MergeDriver>>;
