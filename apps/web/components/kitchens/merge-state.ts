// Per-file resolution state of an open merge (pure, so the rules are easy to read and test).
import { hasConflictMarkers, resolveConflicts } from "../editor/conflicts";
import type { MergeConflict } from "./api";

export type Who = "parent" | "child";

export interface FileResolution {
  /** The result to commit; null deletes the file. */
  content: string | null;
  /** A person chose or edited it: git's own merge text is never committed unseen. */
  touched: boolean;
}

export type FileState = "unresolved" | "markers" | "resolved";

export function initialResolutions(conflicts: MergeConflict[]): Record<string, FileResolution> {
  return Object.fromEntries(conflicts.map((c) => [c.path, { content: c.merged, touched: false }]));
}

export function stateOf(r: FileResolution | undefined): FileState {
  if (!r || !r.touched) return "unresolved";
  if (r.content !== null && hasConflictMarkers(r.content)) return "markers";
  return "resolved";
}

/** ours is the merge target: the child when merging down, the parent when merging up. */
export function sideOf(c: MergeConflict, who: Who, oursIs: Who): string | null {
  return who === oursIs ? c.ours : c.theirs;
}

/**
 * "Take parent/child/both": when git's result has conflict blocks, each block is settled that way
 * and the lines git merged cleanly stay; otherwise (e.g. changed on one side, deleted on the
 * other) the whole file of that side is taken — "both" then keeps whichever exists, parent first.
 */
export function take(c: MergeConflict, pick: Who | "both", oursIs: Who): FileResolution {
  if (c.merged !== null && hasConflictMarkers(c.merged)) {
    // "both" keeps the parent's lines first, whichever side git calls ours.
    const gitPick = pick === "both" ? (oursIs === "parent" ? "both" : "both-theirs-first") : pick === oursIs ? "ours" : "theirs";
    return { content: resolveConflicts(c.merged, gitPick), touched: true };
  }
  if (pick === "both") {
    const parts = [sideOf(c, "parent", oursIs), sideOf(c, "child", oursIs)].filter((s): s is string => s !== null);
    return { content: parts.length ? parts.join(parts[0]!.endsWith("\n") ? "" : "\n") : null, touched: true };
  }
  return { content: sideOf(c, pick, oursIs), touched: true };
}
