import { describe, expect, it } from "vitest";
import { redactText, StreamRedactor } from "./redact";

const secret = "s3cr3t-Canary-Value!";

describe("redactText", () => {
  it("replaces plain, base64, url-encoded and json-escaped forms", () => {
    const text = [secret, Buffer.from(secret).toString("base64"), encodeURIComponent(secret), JSON.stringify({ a: secret })].join(" | ");
    const out = redactText(text, [secret]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(Buffer.from(secret).toString("base64"));
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out.match(/\*\*\*/g)?.length).toBe(4);
  });
});

describe("StreamRedactor", () => {
  it("catches a secret split across chunks", () => {
    const r = new StreamRedactor([secret]);
    const out = r.push("before " + secret.slice(0, 7)) + r.push(secret.slice(7) + " after") + r.flush();
    expect(out).toBe("before *** after");
  });
  it("passes text through when there are no secrets", () => {
    const r = new StreamRedactor([]);
    expect(r.push("abc") + r.flush()).toBe("abc");
  });
});

import { redactKeys } from "./redact";
describe("redactKeys", () => {
  it("hides sensitive keys and keeps errors readable", () => {
    const out = redactKeys({ password: "x", nested: { apiKey: "y", ok: 1 }, err: new Error("boom") }) as Record<string, any>;
    expect(out.password).toBe("***");
    expect(out.nested).toEqual({ apiKey: "***", ok: 1 });
    expect(out.err.message).toBe("boom");
  });
});
