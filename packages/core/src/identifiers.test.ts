import { describe, expect, it } from "vitest";
import { assertIdentifier, quoteIdent, quoteLiteral } from "./identifiers";

describe("identifiers", () => {
  it.each(['a"b', "x; drop schema prod cascade", "A", "1abc", "a".repeat(41), "café", "a-b", "../x", ""])("rejects %j", (bad) => {
    expect(() => assertIdentifier(bad, "name")).toThrow(/name must be/);
  });
  it("accepts lowercase identifiers", () => {
    expect(assertIdentifier("padma_profit", "name")).toBe("padma_profit");
  });
  it("quotes identifiers and doubles embedded quotes", () => {
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
    expect(() => quoteIdent("a\u0000b")).toThrow(/NUL/);
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });
});
