import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildTree } from "./kitchen-tree";
import type { TKitchenRow } from "./read-models/kitchens";
import { isMutation, queryObject } from "./request";
import { zodError } from "./responses";
import { readCookie } from "./session-cookie";

describe("request helpers", () => {
  it("turns repeated query keys into arrays", () => {
    expect(queryObject(new URL("http://x/?a=1&b=2&b=3&c="))).toEqual({ a: "1", b: ["2", "3"], c: "" });
  });

  it("reads one cookie among many, exact name only", () => {
    const h = "galley_session_old=zzz; theme=dark; galley_session=abc=def";
    expect(readCookie(h, "galley_session")).toBe("abc=def");
    expect(readCookie(h, "missing")).toBeUndefined();
    expect(readCookie(null, "galley_session")).toBeUndefined();
  });

  it("treats everything but GET/HEAD/OPTIONS as a mutation", () => {
    expect(["GET", "head", "OPTIONS"].map(isMutation)).toEqual([false, false, false]);
    expect(["POST", "PUT", "PATCH", "DELETE"].map(isMutation)).toEqual([true, true, true, true]);
  });
});

describe("zodError", () => {
  it("reports the first issue with its path joined by '.'", () => {
    const r = z.object({ nodes: z.array(z.object({ id: z.string() })) }).safeParse({ nodes: [{ id: "a" }, { id: 3 }] });
    const e = zodError(r.error!);
    expect(e.code).toBe("invalid_input");
    expect(e.field).toBe("nodes.1.id");
    expect(e.message).toMatch(/^nodes\.1\.id: /);
  });
});


describe("buildTree", () => {
  const k = (name: string, parent: string | null) => ({ name, parent, id: name }) as unknown as TKitchenRow;

  it("nests children under parents and promotes orphans to roots", () => {
    const tree = buildTree([k("dev", "production"), k("padma_feature", "dev"), k("production", null), k("lost", "hidden_private")]);
    const shape = (nodes: ReturnType<typeof buildTree>): unknown => nodes.map((n) => [n.kitchen.name, shape(n.children)]);
    expect(shape(tree)).toEqual([
      ["production", [["dev", [["padma_feature", []]]]]],
      ["lost", []],
    ]);
  });
});

describe("isUnavailable", () => {
  it("recognises connection failures from Prisma, pg and the socket, also as causes", async () => {
    const { isUnavailable } = await import("./responses");
    expect(isUnavailable(Object.assign(new Error("\nInvalid call\n\nCan't reach database server at 127.0.0.1:5439"), { code: "P1001" }))).toBe(true);
    expect(isUnavailable(new Error("wrapped", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('database "x" does not exist'), { code: "3D000" }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error("unique violation"), { code: "P2002" }))).toBe(false);
    expect(isUnavailable(new TypeError("undefined is not a function"))).toBe(false);
  });
});
