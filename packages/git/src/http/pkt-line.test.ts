import { describe, expect, it } from "vitest";
import { parseCgiHeaders } from "./cgi";
import { FLUSH, parseReceivePackCommands, pkt, refusalReport } from "./pkt-line";

const A = "a".repeat(40);
const B = "b".repeat(40);
const Z = "0".repeat(40);

describe("receive-pack command parsing", () => {
  it("reads commands and capabilities up to the flush-pkt", () => {
    const body = Buffer.concat([
      pkt(`shallow ${A}\n`),
      pkt(`${A} ${B} refs/heads/main\0report-status side-band-64k agent=git/2.39\n`),
      pkt(`${Z} ${B} refs/heads/padma_profit\n`),
      FLUSH,
      Buffer.from("PACK...."),
    ]);
    const parsed = parseReceivePackCommands(body);
    expect(parsed).toEqual({
      commands: [
        { oldSha: A, newSha: B, ref: "refs/heads/main" },
        { oldSha: Z, newSha: B, ref: "refs/heads/padma_profit" },
      ],
      capabilities: ["report-status", "side-band-64k", "agent=git/2.39"],
      end: body.length - 8,
    });
  });

  it("waits for more data until the list is complete", () => {
    const full = Buffer.concat([pkt(`${A} ${B} refs/heads/main\0report-status\n`), FLUSH]);
    for (let i = 0; i < full.length; i++) expect(parseReceivePackCommands(full.subarray(0, i))).toBeNull();
    expect(parseReceivePackCommands(full)?.commands).toHaveLength(1);
    expect(parseReceivePackCommands(FLUSH)).toEqual({ commands: [], capabilities: [], end: 4 });
  });

  it("fails closed on anything unexpected", () => {
    for (const bad of [Buffer.from("zzzz"), pkt("hello\n"), pkt(`${A} ${B}\n`), pkt("push-cert\0caps\n"), Buffer.from("0001"), Buffer.from("0003")]) {
      expect(() => parseReceivePackCommands(bad)).toThrow(/Malformed push request/);
    }
    const endless = Buffer.concat(Array.from({ length: 12_000 }, () => pkt(`${A} ${B} refs/heads/x\n`)));
    expect(() => parseReceivePackCommands(endless)).toThrow(/too large/);
  });
});

describe("refusal report", () => {
  const refs = [{ oldSha: A, newSha: B, ref: "refs/heads/production" }];

  it("is plain report-status without side-band", () => {
    const r = refusalReport(refs, "not allowed\nreally", ["report-status"])!;
    expect(r.toString()).toBe("000eunpack ok\n0030ng refs/heads/production not allowed really\n0000");
  });

  it("is wrapped in side-band channel 1 with a message on channel 2", () => {
    const r = refusalReport(refs, "nope", ["report-status", "side-band-64k"])!.toString("latin1");
    expect(r.startsWith("0012\u0002Galley: nope\n")).toBe(true);
    expect(r).toContain("\u0001000eunpack ok\n");
    expect(r.endsWith("0000")).toBe(true);
  });

  it("is null when the client wants no report", () => {
    expect(refusalReport(refs, "nope", [])).toBeNull();
  });
});

describe("CGI headers", () => {
  it("takes the status from the Status header", () => {
    expect(parseCgiHeaders("Status: 404 Not Found\r\nContent-Type: text/plain\r\nExpires: x")).toEqual({
      status: 404,
      headers: { "content-type": "text/plain", expires: "x" },
    });
    expect(parseCgiHeaders("Content-Type: application/x-git-upload-pack-result").status).toBe(200);
  });
});
