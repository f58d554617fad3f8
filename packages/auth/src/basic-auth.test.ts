import { describe, expect, it } from "vitest";
import { parseBasicAuth } from "./basic-auth";
import { ZSignInInput } from "./schemas";

const basic = (s: string) => `Basic ${Buffer.from(s).toString("base64")}`;

describe("parseBasicAuth", () => {
  it("splits at the first colon so passwords may contain colons", () => {
    expect(parseBasicAuth(basic("padma@galley.local:a:b:c"))).toEqual({ username: "padma@galley.local", password: "a:b:c" });
  });

  it("returns null for other schemes and malformed values", () => {
    for (const h of [undefined, "", "Bearer x", "Basic !!!", basic("no-colon"), basic(":empty-user")]) expect(parseBasicAuth(h)).toBeNull();
  });
});

describe("ZSignInInput", () => {
  it("normalises the email and requires a password", () => {
    expect(ZSignInInput.parse({ email: "  Padma@Galley.LOCAL ", password: "x" }).email).toBe("padma@galley.local");
    const r = ZSignInInput.safeParse({ email: "padma", password: "" });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join("."))).toEqual(["email", "password"]);
  });
});
