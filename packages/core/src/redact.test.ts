import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";
import { redactText, scrubCredentials, StreamRedactor } from "./redact";

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

describe("scrubCredentials", () => {
  it("hides URL passwords and name=value credentials quoted in text, and keeps the rest", () => {
    expect(scrubCredentials("connection to 10.1.2.3 failed: password=hunter2")).toBe("connection to 10.1.2.3 failed: password=***");
    expect(scrubCredentials('cannot reach postgresql://galley:s3cr%40t@db:5432/galley "x"')).toBe('cannot reach postgresql://galley:***@db:5432/galley "x"');
    expect(scrubCredentials("PGPASSWORD=abc token: xyz api_key=k1;")).toBe("PGPASSWORD=*** token: *** api_key=***;");
    expect(scrubCredentials('{"msg":"x","password":"***"}')).toBe('{"msg":"x","password":"***"}');
    expect(scrubCredentials("http://example.com/a:b@c and postgresql://db:5432/x")).toBe("http://example.com/a:b@c and postgresql://db:5432/x");
  });

  it("a logged error quoting a credential reaches the log without it", () => {
    const lines: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      createLogger({}, "debug").error("request failed", { error: new Error("connect postgresql://u:hunter2@h/db failed: password=hunter2") });
    } finally {
      process.stderr.write = write;
    }
    expect(lines.join("")).toContain("request failed");
    expect(lines.join("")).not.toContain("hunter2");
  });
});
