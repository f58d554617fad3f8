// Git conflict markers, pure text (no editor): detect them and resolve every conflicted hunk of
// a merge result the same way. `ours` is the merge target, `theirs` the source (git's words).

export const MARKER = {
  start: /^<{7}(\s|$)/,
  base: /^\|{7}(\s|$)/,
  sep: /^={7}$/,
  end: /^>{7}(\s|$)/,
};

export function hasConflictMarkers(text: string): boolean {
  return text.split("\n").some((l) => MARKER.start.test(l) || MARKER.end.test(l));
}

export function countConflicts(text: string): number {
  return text.split("\n").filter((l) => MARKER.start.test(l)).length;
}

/** "both" keeps ours then theirs; "both-theirs-first" the other way round. */
export type Pick = "ours" | "theirs" | "both" | "both-theirs-first";

/**
 * Replaces each `<<<<<<< … ======= … >>>>>>>` block (diff3 `|||||||` base sections dropped) with
 * one side, or both. Lines outside conflicts, which git merged cleanly, are kept.
 */
export function resolveConflicts(text: string, pick: Pick): string {
  const out: string[] = [];
  let section: "none" | "ours" | "base" | "theirs" = "none";
  let ours: string[] = [];
  let theirs: string[] = [];
  for (const line of text.split("\n")) {
    if (section === "none" && MARKER.start.test(line)) {
      section = "ours";
      ours = [];
      theirs = [];
    } else if (section === "ours" && MARKER.base.test(line)) section = "base";
    else if ((section === "ours" || section === "base") && MARKER.sep.test(line)) section = "theirs";
    else if (section === "theirs" && MARKER.end.test(line)) {
      out.push(...(pick === "ours" ? ours : pick === "theirs" ? theirs : pick === "both" ? [...ours, ...theirs] : [...theirs, ...ours]));
      section = "none";
    } else if (section === "ours") ours.push(line);
    else if (section === "theirs") theirs.push(line);
    else if (section === "none") out.push(line);
  }
  // An unterminated block is left as it was: better visible than silently half-resolved.
  if (section !== "none") return text;
  return out.join("\n");
}
