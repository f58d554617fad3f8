import { AppError } from "@galley/core";
import type { Author } from "./types";

export const MAX_FILE_BYTES = 1024 * 1024;
const BRANCH_RE = /^[a-z][a-z0-9_/-]{0,99}$/;
const SHA_RE = /^[0-9a-f]{40}$/;
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

/** Shows a rejected value safely inside a message: quoted, control characters escaped, truncated. */
function show(v: unknown): string {
  const s = typeof v === "string" ? v : String(v);
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);
}

/**
 * Branch names reach git as `refs/heads/<name>`; this allow-list keeps option-like values (`--upload-pack=…`, `-h`),
 * transport syntax (`ext::…`), range syntax (`a..b`) and ref-format corner cases (`a//b`, `a/`) out entirely.
 */
export function assertBranchName(name: unknown, field = "branch"): string {
  const hint = "use 1-100 lowercase letters, digits, _, - or /, starting with a letter";
  if (typeof name !== "string" || !BRANCH_RE.test(name)) {
    throw new AppError("invalid_input", `Invalid branch name ${show(name)}: ${hint}`, { field });
  }
  if (name.includes("..") || name.includes("//") || name.endsWith("/") || name.split("/").some((c) => c.startsWith("-"))) {
    throw new AppError("invalid_input", `Invalid branch name ${show(name)}: no "..", "//", trailing "/" or part starting with "-"`, { field });
  }
  return name;
}

export function isValidBranchName(name: unknown): name is string {
  try {
    assertBranchName(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Code points HFS+ ignores when comparing names (git's is_hfs_dotgit list), so `.g\u200cit` is `.git` on a Mac.
 * Refused anywhere in a path: they are invisible in every editor too.
 */
const HFS_IGNORED_RE = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/;
/** git's is_ntfs_dotgit: `.git` or its 8.3 short name `git~1`, then only dots/spaces, then end or an ADS (`:...`). */
const NTFS_DOTGIT_RE = /^(?:\.git|git~1)[. ]*(?::.*)?$/i;
/** Names Windows reserves for devices, with or without an extension. */
const WINDOWS_DEVICE_RE = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?$/i;

/**
 * Why git (under core.protectHFS / core.protectNTFS) or a Windows or macOS checkout would refuse or
 * misread this path part, or null. Stricter than git where a part could only cause trouble: trailing
 * dots or spaces (Windows drops them, so `a.` and `a` collide), `:` (NTFS alternate data streams).
 */
export function unsafePathPart(part: string): string | null {
  if (part === "." || part === "..") return `"${part}" parts are not allowed`;
  if (HFS_IGNORED_RE.test(part)) return "contains an invisible Unicode character (macOS ignores it in file names)";
  if (NTFS_DOTGIT_RE.test(part) || part.toLowerCase() === ".git") return '".git" parts (or names Windows or macOS read as ".git") are not allowed';
  if (/[. ]$/.test(part)) return "a part ends with a dot or a space (Windows drops them)";
  if (part.includes(":")) return 'contains ":" (an NTFS alternate data stream on Windows)';
  if (WINDOWS_DEVICE_RE.test(part)) return `"${part}" is a reserved device name on Windows`;
  return null;
}

/**
 * Repository paths come from users (editor, API) and from pushes. A safe path is relative, uses `/`, has no empty,
 * `.` or `..` parts, no part git or a case-insensitive filesystem would treat as `.git` (unsafePathPart), no control
 * characters.
 */
export function assertSafePath(p: unknown, field = "path"): string {
  const bad = (why: string) => new AppError("invalid_input", `Invalid path ${show(p)}: ${why}`, { field });
  if (typeof p !== "string" || p.length === 0) throw bad("must be a non-empty string");
  if (p.length > 1024) throw bad("longer than 1024 characters");
  if (p.includes("\0")) throw bad("contains a NUL byte");
  if (CONTROL_RE.test(p)) throw bad("contains a control character");
  if (p.includes("\\")) throw bad('contains a backslash; use "/"');
  if (p.startsWith("/")) throw bad("must be relative to the repository root");
  for (const part of p.split("/")) {
    if (part === "") throw bad('has an empty part ("//" or a trailing "/")');
    const why = unsafePathPart(part);
    if (why) throw bad(why);
  }
  return p;
}

export function assertSha(sha: unknown, field = "sha"): string {
  if (typeof sha !== "string" || !SHA_RE.test(sha)) {
    throw new AppError("invalid_input", `Invalid commit id ${show(sha)}: expected 40 lowercase hex characters`, { field });
  }
  return sha;
}

/** Galley stores text (SQL, YAML, Python); binary or huge content through the API is almost always a mistake. */
export function assertTextContent(path: string, content: unknown): Buffer {
  if (typeof content !== "string") throw new AppError("invalid_input", `Content of ${path} must be a string`, { field: path });
  if (content.includes("\0")) {
    throw new AppError("invalid_input", `${path} looks binary (contains a NUL byte); only text files can be saved here`, { field: path });
  }
  const bytes = Buffer.from(content, "utf8");
  if (bytes.length > MAX_FILE_BYTES) {
    throw new AppError("payload_too_large", `${path} is ${bytes.length} bytes; the limit is ${MAX_FILE_BYTES} bytes (1 MiB) per file`, { field: path });
  }
  return bytes;
}

export function assertMessage(message: unknown, field = "message"): string {
  if (typeof message !== "string" || message.trim() === "") {
    throw new AppError("invalid_input", "Commit message must not be empty", { field });
  }
  if (message.includes("\0")) throw new AppError("invalid_input", "Commit message contains a NUL byte", { field });
  if (message.length > 65_536) throw new AppError("invalid_input", "Commit message is longer than 65536 characters", { field });
  return message.trim() + "\n";
}

/** Git writes identities as `Name <email>`: angle brackets or newlines would corrupt the commit header. */
export function assertAuthor(author: unknown, field = "author"): Author {
  const a = author as Partial<Author> | null;
  const check = (v: unknown, what: string) => {
    if (typeof v !== "string" || v.trim() === "" || v.length > 200 || /[<>\u0000-\u001f]/.test(v)) {
      throw new AppError("invalid_input", `Author ${what} ${show(v)} is invalid: 1-200 characters, no <, > or control characters`, {
        field: `${field}.${what}`,
      });
    }
  };
  check(a?.name, "name");
  check(a?.email, "email");
  if (!a!.email!.includes("@")) throw new AppError("invalid_input", `Author email ${show(a!.email)} is invalid`, { field: `${field}.email` });
  return { name: a!.name!.trim(), email: a!.email!.trim() };
}

/** Git's own heuristic: a NUL byte in the first 8000 bytes means binary. */
export function looksBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}
