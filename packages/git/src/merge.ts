import { AppError } from "@galley/core";
import type { Git } from "./git-exec";
import { diffNames } from "./history";
import { conflictDetails, runMergeTree, type MergeTreeResult } from "./merge-tree";
import { buildTree, commitTree, writeBlobs, type IndexUpdate } from "./objects";
import { casUpdateBranch, getHeadsOrThrow, mergeBase } from "./refs";
import type { MergeConflict, MergeDrivers, MergeInput, MergePreview, MergeResult } from "./types";
import { assertAuthor, assertMessage, assertSafePath, assertSha, assertTextContent } from "./validate";

interface Heads {
  sourceHead: string;
  targetHead: string;
  mergeBase: string | null;
  upToDate: boolean;
  fastForward: boolean;
}

async function readMergeHeads(git: Git, source: string, target: string): Promise<Heads> {
  const h = await getHeadsOrThrow(git, { source, target });
  const mb = await mergeBase(git, h.source, h.target);
  const upToDate = mb === h.source;
  return { sourceHead: h.source, targetHead: h.target, mergeBase: mb, upToDate, fastForward: !upToDate && mb === h.target };
}

const labels = (h: Heads, source: string, target: string) =>
  [
    { sha: h.targetHead, label: target },
    { sha: h.sourceHead, label: source },
  ] as const;

/** What merging source into target would do, computed without touching any ref. */
export async function mergePreview(git: Git, source: string, target: string, drivers: MergeDrivers = {}): Promise<MergePreview> {
  const h = await readMergeHeads(git, source, target);
  if (h.upToDate) return { ...h, files: [], conflicts: [] };
  if (h.fastForward) return { ...h, files: await diffNames(git, h.targetHead, h.sourceHead), conflicts: [] };
  const mt = await applyDrivers(git, await runMergeTree(git, h.targetHead, h.sourceHead), drivers, h, source, target);
  const [files, conflicts] = await Promise.all([diffNames(git, h.targetHead, mt.tree), conflictDetails(git, mt, ...labels(h, source, target))]);
  return { ...h, files, conflicts: [...conflicts, ...messageOnlyConflicts(mt)] };
}

function messageOnlyConflicts(mt: MergeTreeResult): MergeConflict[] {
  return mt.conflictMessages.flatMap((m) =>
    (m.paths.length ? m.paths : ["(unknown)"]).map((path) => ({ path, base: null, ours: null, theirs: null, merged: m.message, isBinary: false })),
  );
}

function assertExpected(actual: string, expected: string | undefined, field: string, branch: string) {
  if (expected === undefined || assertSha(expected, field) === actual) return;
  throw new AppError("conflict", `Branch ${branch} has changed since the merge was previewed (now at ${actual.slice(0, 7)}); preview again`, {
    field,
    details: { head: actual },
  });
}

/**
 * Merges source into target. Clean merges commit at once; conflicts need a resolution for every conflicted path,
 * otherwise nothing is written and `conflict` carries the conflicts. Target moves by compare-and-swap, so of two
 * concurrent merges into one branch exactly one lands and the branch is never half-merged.
 */
export async function merge(git: Git, source: string, target: string, input: MergeInput, drivers: MergeDrivers = {}): Promise<MergeResult> {
  const author = assertAuthor(input.author);
  const message = assertMessage(input.message ?? `Merge ${source} into ${target}`);
  const resolutions = input.resolutions ?? {};
  Object.keys(resolutions).forEach((p) => assertSafePath(p, "resolutions"));
  const h = await readMergeHeads(git, source, target);
  assertExpected(h.targetHead, input.expectedTargetHead, "expectedTargetHead", target);
  assertExpected(h.sourceHead, input.expectedSourceHead, "expectedSourceHead", source);
  const hasResolutions = Object.keys(resolutions).length > 0;
  if (h.upToDate) {
    if (hasResolutions) throw staleResolutions();
    return { commit: h.targetHead, fastForward: false, upToDate: true };
  }
  if (h.fastForward && input.allowFastForward !== false && !hasResolutions) {
    await casUpdateBranch(git, target, h.sourceHead, h.targetHead, `galley: fast-forward ${target} to ${source}`);
    return { commit: h.sourceHead, fastForward: true, upToDate: false };
  }
  const mt = await applyDrivers(git, await runMergeTree(git, h.targetHead, h.sourceHead), drivers, h, source, target);
  const tree = await resolvedTree(git, mt, resolutions, h, source, target);
  const commit = await commitTree(git, { tree, parents: [h.targetHead, h.sourceHead], message, author });
  await casUpdateBranch(git, target, commit, h.targetHead, `galley: merge ${source} into ${target}`);
  return { commit, fastForward: false, upToDate: false };
}

/**
 * Conflicted files that a driver knows how to merge (schedules.yaml, merged by entry) are merged
 * by it and leave the conflict list; the rest stay for a person. Preview and merge both go through
 * here, so what the preview calls clean is what the merge writes.
 */
async function applyDrivers(git: Git, mt: MergeTreeResult, drivers: MergeDrivers, h: Heads, source: string, target: string): Promise<MergeTreeResult> {
  const paths = mt.conflictPaths.filter((p) => Object.hasOwn(drivers, p));
  if (paths.length === 0) return mt;
  const details = (await conflictDetails(git, { ...mt, conflictPaths: paths }, ...labels(h, source, target))).filter((c) => !c.isBinary);
  const merged = details.flatMap((c) => {
    const text = drivers[c.path]({ base: c.base, ours: c.ours, theirs: c.theirs });
    return text === undefined ? [] : [{ path: c.path, text }];
  });
  if (merged.length === 0) return mt;
  const writes = merged.filter((m) => m.text !== null);
  const shas = await writeBlobs(git, writes.map((m) => assertTextContent(m.path, m.text)));
  const updates: IndexUpdate[] = [
    ...writes.map((m, i) => ({ path: m.path, mode: "100644", sha: shas[i] })),
    ...merged.filter((m) => m.text === null).map((m) => ({ path: m.path, delete: true as const })),
  ];
  const done = new Set(merged.map((m) => m.path));
  return {
    ...mt,
    tree: await buildTree(git, mt.tree, updates),
    conflictPaths: mt.conflictPaths.filter((p) => !done.has(p)),
    stages: mt.stages.filter((st) => !done.has(st.path)),
  };
}

const staleResolutions = () =>
  new AppError("conflict", "The merge no longer conflicts as previewed (the branches changed); preview again", { field: "resolutions" });

/** merge-tree's tree with each conflicted path replaced by its resolution, built in a temporary index. */
async function resolvedTree(
  git: Git,
  mt: MergeTreeResult,
  resolutions: Record<string, string | null>,
  h: Heads,
  source: string,
  target: string,
): Promise<string> {
  const given = Object.keys(resolutions);
  if (mt.conflictPaths.length === 0 && mt.conflictMessages.length === 0) {
    if (given.length > 0) throw staleResolutions();
    return mt.tree;
  }
  const missing = mt.conflictPaths.filter((p) => !(p in resolutions));
  if (missing.length > 0 || mt.conflictMessages.length > 0) {
    const conflicts = [...(await conflictDetails(git, mt, ...labels(h, source, target))), ...messageOnlyConflicts(mt)];
    const names = conflicts.map((c) => c.path);
    const msg = `${names.length} file${names.length === 1 ? "" : "s"} conflict${names.length === 1 ? "s" : ""}: ${names.join(", ")}`;
    throw new AppError("conflict", msg, { field: "resolutions", details: { conflicts, missing } });
  }
  const extra = given.filter((p) => !mt.conflictPaths.includes(p));
  if (extra.length > 0) throw new AppError("invalid_input", `${extra.join(", ")} did not conflict; only conflicted files can be resolved`, { field: "resolutions" });
  const writes = given.filter((p) => resolutions[p] !== null);
  const shas = await writeBlobs(git, writes.map((p) => assertTextContent(p, resolutions[p])));
  const updates: IndexUpdate[] = [
    ...writes.map((p, i) => ({ path: p, mode: keepExecutable(mt, p), sha: shas[i] })),
    ...given.filter((p) => resolutions[p] === null).map((p) => ({ path: p, delete: true as const })),
  ];
  return buildTree(git, mt.tree, updates);
}

function keepExecutable(mt: MergeTreeResult, path: string): string {
  return mt.stages.some((s) => s.path === path && s.mode === "100755") ? "100755" : "100644";
}
