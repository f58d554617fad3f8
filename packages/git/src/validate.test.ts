import { describe, expect, it } from "vitest";
import { assertAuthor, assertBranchName, assertMessage, assertSafePath, assertSha, assertTextContent, looksBinary } from "./validate";

const err = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as { code: string; field?: string; message: string };
  }
  throw new Error("expected a throw");
};

describe("assertBranchName", () => {
  it.each(["main", "dev", "padma_profit", "kitchens/padma-feature", "a", "x1/y_2-z"])("accepts %s", (n) => {
    expect(assertBranchName(n)).toBe(n);
  });

  it.each(["--upload-pack=touch x", "-h", "a..b", "ext::sh -c id", "", "Main", "1abc", "a b", "a//b", "a/", "a/-b", "a.b", "a".repeat(101), "a\nb"])(
    "rejects %j",
    (n) => {
      expect(err(() => assertBranchName(n, "name"))).toMatchObject({ code: "invalid_input", field: "name" });
    },
  );

  it("rejects non-strings and quotes the value safely", () => {
    expect(err(() => assertBranchName(42))).toMatchObject({ code: "invalid_input", field: "branch" });
    expect(err(() => assertBranchName("a\u0000b")).message).toContain('"a\\u0000b"');
  });
});

describe("assertSafePath refuses what git refuses under core.protectHFS and core.protectNTFS", () => {
  // Each of these is `.git` to macOS (HFS+ ignores the code points) or to Windows (8.3 name, trailing dots and
  // spaces dropped, alternate data streams), so writing through it would write the repository's own config.
  it.each([
    ".g\u200cit/config", ".gi\u200dt/hooks/x", "\ufeff.git/config", ".\u206agit/x", "a/.GIT\u200e/b",
    "GIT~1/config", "git~1/x", "a/Git~1", ".git./config", ".git . ./x", ".GIT", ".git::$INDEX_ALLOCATION/config",
    ".git:x/config", "git~1::$INDEX_ALLOCATION/x", "notes./x", "a/b ", "a/b:stream", "con", "pipelines/aux.sql", "a\u200fb.sql",
  ])("refuses %j", (p) => {
    expect(err(() => assertSafePath(p))).toMatchObject({ code: "invalid_input", field: "path", message: expect.stringContaining("Invalid path") });
  });
  it.each([".gitignore", "git~2/x", "a/.gitattributes", "legit/x", "gitx/y", "console.sql", "pipelines/git~1x/a"])("accepts %j", (p) => {
    expect(assertSafePath(p)).toBe(p);
  });
});

describe("assertSafePath", () => {
  it.each(["a.sql", "pipelines/profit/load.sql", "notes/é and space.md", ".github/workflows/x.yml", "a/.gitignore", "x..y"])("accepts %s", (p) => {
    expect(assertSafePath(p)).toBe(p);
  });

  it.each(["", "../x", "a/../b", "..", "/etc/passwd", "a\\b", ".git", ".git/config", "a/.GIT/x", ".git./x", "a/.git /b", "a//b", "a/", "./a", "a\0b", "a\nb", "x".repeat(1025)])(
    "rejects %j",
    (p) => {
      expect(err(() => assertSafePath(p))).toMatchObject({ code: "invalid_input", field: "path" });
    },
  );
});

describe("content, message, author, sha", () => {
  it("accepts text up to 1 MiB and rejects NUL bytes and larger content", () => {
    expect(assertTextContent("a", "x".repeat(1024 * 1024)).length).toBe(1024 * 1024);
    expect(err(() => assertTextContent("a.bin", "a\0b"))).toMatchObject({ code: "invalid_input", field: "a.bin" });
    // Multi-byte characters count as bytes, not characters.
    expect(err(() => assertTextContent("b", "é".repeat(600_000)))).toMatchObject({ code: "payload_too_large", field: "b" });
  });

  it("requires a non-empty message and a clean author", () => {
    expect(assertMessage("  fix  \n")).toBe("fix\n");
    expect(err(() => assertMessage(" \n "))).toMatchObject({ code: "invalid_input", field: "message" });
    expect(assertAuthor({ name: " Padma ", email: "padma@example.com" })).toEqual({ name: "Padma", email: "padma@example.com" });
    expect(err(() => assertAuthor({ name: "Eve <evil@x>", email: "e@x" }))).toMatchObject({ field: "author.name" });
    expect(err(() => assertAuthor({ name: "Eve", email: "nope" }))).toMatchObject({ field: "author.email" });
    expect(err(() => assertAuthor({ name: "Eve\nX", email: "e@x" }))).toMatchObject({ field: "author.name" });
  });

  it("accepts only full lowercase shas", () => {
    expect(assertSha("a".repeat(40))).toBe("a".repeat(40));
    for (const s of ["abc1234", "A".repeat(40), "--all", `${"a".repeat(40)}^`]) expect(err(() => assertSha(s))).toMatchObject({ code: "invalid_input" });
  });

  it("detects binary by a NUL byte in the first 8 KB", () => {
    expect(looksBinary(Buffer.from("plain text"))).toBe(false);
    expect(looksBinary(Buffer.from([0x89, 0x50, 0x00]))).toBe(true);
    expect(looksBinary(Buffer.concat([Buffer.alloc(9000, 97), Buffer.from([0])]))).toBe(false);
  });
});
