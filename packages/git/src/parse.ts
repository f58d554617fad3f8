/** Parsers for git plumbing output. Everything is read in `-z` form so paths with spaces or quotes stay intact. */
import type { ChangedFile, ChangeStatus, LogEntry } from "./types";

export interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  /** Blob size in bytes; -1 for trees and submodules. */
  size: number;
  path: string;
}

/** `git ls-tree -z -l`: `<mode> SP <type> SP <sha> SP+ <size> TAB <path> NUL`. */
export function parseLsTree(out: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const rec of splitNul(out)) {
    const tab = rec.indexOf("\t");
    const [mode, type, sha, size] = rec.slice(0, tab).split(/ +/);
    entries.push({ mode, type: type as TreeEntry["type"], sha, size: size === "-" || size === undefined ? -1 : Number(size), path: rec.slice(tab + 1) });
  }
  return entries;
}

/** `git diff-tree -r -z --name-status --no-renames`: alternating status and path records. */
export function parseNameStatus(out: Buffer): ChangedFile[] {
  const recs = splitNul(out);
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < recs.length; i += 2) files.push({ path: recs[i + 1], status: toStatus(recs[i]) });
  return files;
}

function toStatus(letter: string): ChangeStatus {
  if (letter.startsWith("A")) return "added";
  if (letter.startsWith("D")) return "deleted";
  return "modified"; // M, T (type change, e.g. file <-> symlink)
}

/**
 * Splits `git diff -p` output into patches keyed by path. Diff content lines always start with ' ', '+', '-' or '\\',
 * so a line starting with `diff --git ` is always a file header. A type change (file <-> link) yields two chunks
 * for one path; they are joined.
 */
export function splitPatch(text: string): Map<string, string> {
  const byPath = new Map<string, string>();
  if (text === "") return byPath;
  const parts = text.split(/\n(?=diff --git )/);
  parts.forEach((p, i) => {
    const chunk = i < parts.length - 1 ? p + "\n" : p;
    const eol = chunk.indexOf("\n");
    const path = patchHeaderPath(eol < 0 ? chunk : chunk.slice(0, eol));
    if (path !== null) byPath.set(path, (byPath.get(path) ?? "") + chunk);
  });
  return byPath;
}

/** Path from `diff --git a/<p> b/<p>` (renames are off, so both sides are equal), C-quoted when unusual. */
export function patchHeaderPath(header: string): string | null {
  const rest = header.slice("diff --git ".length);
  if (rest.startsWith('"')) {
    const m = /^"a\/((?:[^"\\]|\\.)*)" /.exec(rest);
    return m ? unquoteC(m[1]) : null;
  }
  if ((rest.length - 5) % 2 !== 0) return null;
  return rest.slice(2, 2 + (rest.length - 5) / 2);
}

function unquoteC(s: string): string {
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '"': 34, "\\": 92 };
  let i = 0;
  while (i < s.length) {
    if (s[i] !== "\\") {
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      bytes.push(...Buffer.from(ch, "utf8"));
      i += ch.length;
      continue;
    }
    const oct = /^[0-7]{3}/.exec(s.slice(i + 1));
    bytes.push(oct ? parseInt(oct[0], 8) : (simple[s[i + 1]] ?? s.charCodeAt(i + 1)));
    i += oct ? 4 : 2;
  }
  return Buffer.from(bytes).toString("utf8");
}

export const LOG_FORMAT = "%H%x00%P%x00%an%x00%ae%x00%aI%x00%B";

/** `git log -z --format=LOG_FORMAT`: six NUL-separated fields per commit, commits separated by NUL. */
export function parseLog(out: Buffer): LogEntry[] {
  const f = out.toString("utf8").split("\0");
  const entries: LogEntry[] = [];
  for (let i = 0; i + 5 < f.length; i += 6) {
    entries.push({
      sha: f[i].replace(/^\n/, ""),
      parents: f[i + 1] ? f[i + 1].split(" ") : [],
      author: f[i + 2],
      email: f[i + 3],
      date: f[i + 4],
      message: f[i + 5].replace(/\n+$/, ""),
    });
  }
  return entries;
}

export interface MergeTreeStage {
  mode: string;
  sha: string;
  stage: 1 | 2 | 3;
  path: string;
}

export interface MergeTreeMessage {
  paths: string[];
  type: string;
  message: string;
}

export interface MergeTreeOutput {
  tree: string;
  /** Index stages of conflicted paths: 1 = base, 2 = ours (first commit given), 3 = theirs. */
  stages: MergeTreeStage[];
  messages: MergeTreeMessage[];
}

/**
 * `git merge-tree --write-tree -z` (git >= 2.38): `<tree> NUL`, then on conflicts `<mode> SP <sha> SP <stage> TAB
 * <path> NUL` per stage, an empty record, and messages as `<count> NUL <path>… NUL <type> NUL <text> NUL`.
 */
export function parseMergeTree(out: Buffer): MergeTreeOutput {
  const recs = out.toString("utf8").split("\0");
  const result: MergeTreeOutput = { tree: recs[0], stages: [], messages: [] };
  let i = 1;
  for (; i < recs.length && recs[i] !== ""; i++) {
    const rec = recs[i];
    const tab = rec.indexOf("\t");
    const [mode, sha, stage] = rec.slice(0, tab).split(" ");
    result.stages.push({ mode, sha, stage: Number(stage) as 1 | 2 | 3, path: rec.slice(tab + 1) });
  }
  for (i++; i < recs.length && recs[i] !== ""; ) {
    const n = Number(recs[i]);
    if (!Number.isInteger(n) || n < 0) break;
    const paths = recs.slice(i + 1, i + 1 + n);
    result.messages.push({ paths, type: recs[i + 1 + n], message: (recs[i + 2 + n] ?? "").trim() });
    i += n + 3;
  }
  return result;
}

/**
 * `git cat-file --batch`: per object `<sha> SP <type> SP <size> LF <content> LF`, or `<name> SP missing LF`.
 * Returns contents in request order (null for missing objects).
 */
export function parseCatFileBatch(out: Buffer): Array<{ sha: string; type: string; content: Buffer } | null> {
  const result: Array<{ sha: string; type: string; content: Buffer } | null> = [];
  let pos = 0;
  while (pos < out.length) {
    const nl = out.indexOf(10, pos);
    if (nl < 0) break;
    const header = out.subarray(pos, nl).toString("utf8").split(" ");
    if (header.length === 2 && header[1] === "missing") {
      result.push(null);
      pos = nl + 1;
      continue;
    }
    const size = Number(header[2]);
    result.push({ sha: header[0], type: header[1], content: out.subarray(nl + 1, nl + 1 + size) });
    pos = nl + 1 + size + 1;
  }
  return result;
}

function splitNul(out: Buffer): string[] {
  const s = out.toString("utf8");
  if (s === "") return [];
  return (s.endsWith("\0") ? s.slice(0, -1) : s).split("\0");
}
