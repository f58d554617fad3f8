import { describe, expect, it } from "vitest";
import { expandSecrets, FrameDemuxer, LineSplitter, LogPump, MAX_LINE_CHARS, skipSaved } from "./log-lines";

function collect(secrets: string[] = []) {
  const lines: string[] = [];
  return { lines, splitter: new LineSplitter(secrets, (l) => lines.push(l)) };
}

describe("LineSplitter", () => {
  it("emits complete lines at once and the last partial line at the end", () => {
    const { lines, splitter } = collect(["long-secret-value"]);
    splitter.push("a\nb");
    expect(lines).toEqual(["a"]); // nothing of a finished line is held back by the redactor
    splitter.push("c\r\n\n");
    expect(lines).toEqual(["a", "bc", ""]);
    splitter.push("tail");
    splitter.end();
    expect(lines).toEqual(["a", "bc", "", "tail"]);
  });

  it("decodes UTF-8 characters split across chunks", () => {
    const { lines, splitter } = collect();
    const bytes = Buffer.from("héllo\n");
    splitter.push(bytes.subarray(0, 2));
    splitter.push(bytes.subarray(2));
    expect(lines).toEqual(["héllo"]);
  });

  it("redacts a secret split across two writes", () => {
    const secret = "s3cr3t-Canary-Value!";
    const { lines, splitter } = collect([secret]);
    splitter.push(`x ${secret.slice(0, 6)}`);
    splitter.push(`${secret.slice(6)} y\n`);
    expect(lines).toEqual(["x *** y"]);
  });

  it("cuts lines longer than 64 KiB and still redacts a secret across the cut", () => {
    const secret = "s3cr3t-Canary-Value!";
    const { lines, splitter } = collect([secret]);
    const filler = "a".repeat(MAX_LINE_CHARS - 5);
    splitter.push(filler + secret.slice(0, 10));
    splitter.push(secret.slice(10) + "b".repeat(MAX_LINE_CHARS) + "\n");
    splitter.end();
    const joined = lines.join("");
    expect(joined).not.toContain(secret);
    expect(joined).toBe(filler + "***" + "b".repeat(MAX_LINE_CHARS));
    expect(lines.every((l) => l.length <= MAX_LINE_CHARS)).toBe(true);
    expect(lines.length).toBe(2); // 2 * MAX - 2 characters after redaction
  });

  it("emits no empty line after a line of exactly 64 KiB", () => {
    const { lines, splitter } = collect();
    splitter.push("x".repeat(MAX_LINE_CHARS + 1).slice(1)); // exactly MAX, no newline yet
    splitter.push("z".repeat(10));
    splitter.push("\nnext\n");
    expect(lines.map((l) => l.length)).toEqual([MAX_LINE_CHARS, 10, 4]);
  });
});

describe("expandSecrets", () => {
  it("adds the long lines of a multi-line secret", () => {
    const pem = "-----BEGIN KEY-----\nAAAABBBBCCCCDDDD\nEEEE\n-----END KEY-----";
    expect(expandSecrets([pem, ""])).toEqual([pem, "-----BEGIN KEY-----", "AAAABBBBCCCCDDDD", "-----END KEY-----"]);
  });
});

describe("LogPump", () => {
  it("keeps stdout and stderr apart and caps the total with one marker", () => {
    const got: string[] = [];
    const pump = new LogPump([], (s, l) => got.push(`${s}:${l}`), 20);
    pump.push("stdout", "12345\n");
    pump.push("stderr", "abcde\n");
    pump.push("stdout", "0123456789\n");
    pump.push("stdout", "more\n");
    pump.end();
    expect(got[0]).toBe("stdout:12345");
    expect(got[1]).toBe("stderr:abcde");
    expect(got[2]).toMatch(/^stderr:\[galley\] log truncated/);
    expect(got.length).toBe(3);
    expect(pump.isTruncated).toBe(true);
  });

  it("redacts multi-line secrets line by line", () => {
    const got: string[] = [];
    const pump = new LogPump(["first-line-of-it\nsecond-line-of-it"], (_s, l) => got.push(l));
    pump.push("stdout", "first-line-of-it\nsecond-line-of-it\n"); // whole value at once
    pump.push("stdout", "first-line-of-it\n");
    pump.push("stdout", "between\n");
    pump.push("stdout", "second-line-of-it\n");
    pump.end();
    expect(got).toEqual(["***", "***", "between", "***"]);
  });
});

describe("FrameDemuxer", () => {
  it("parses frames split anywhere", () => {
    const frame = (type: number, text: string) => {
      const payload = Buffer.from(text);
      const header = Buffer.alloc(8);
      header[0] = type;
      header.writeUInt32BE(payload.length, 4);
      return Buffer.concat([header, payload]);
    };
    const all = Buffer.concat([frame(1, "out1\n"), frame(2, "err\n"), frame(1, "out2")]);
    const got: string[] = [];
    const d = new FrameDemuxer((s, p) => got.push(`${s}:${p.toString()}`));
    for (let i = 0; i < all.length; i += 3) d.push(all.subarray(i, i + 3));
    expect(got).toEqual(["stdout:out1\n", "stderr:err\n", "stdout:out2"]);
  });
});

describe("skipSaved (an adopted container's log read again from its beginning)", () => {
  it("drops the lines each stream already saved and passes the rest in order", () => {
    const got: string[] = [];
    const pump = new LogPump([], skipSaved((s, l) => got.push(`${s}:${l}`), { stdout: 2, stderr: 1 }));
    // The engine's log interleaves the streams in its own order; each stream keeps its own.
    pump.push("stdout", "one\ntwo\n");
    pump.push("stderr", "warn 1\n");
    pump.push("stdout", "three\n");
    pump.push("stderr", "warn 2\n");
    pump.end();
    expect(got).toEqual(["stdout:three", "stderr:warn 2"]);
  });
});
