import { StreamRedactor } from "@galley/core";
import type { LogStream } from "./types";

/** Longer lines are cut into pieces of this many characters, so one line can't hold the worker's memory. */
export const MAX_LINE_CHARS = 64 * 1024;
/** After this many characters in total, lines are dropped and one truncation marker is emitted. */
export const DEFAULT_MAX_LOG_CHARS = 5 * 1024 * 1024;

/**
 * The secrets to redact: each value, plus each line of a multi-line value (a PEM key printed
 * plainly is split by the line splitter, so its lines must be caught on their own).
 */
export function expandSecrets(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    out.add(s);
    if (/[\r\n]/.test(s)) for (const line of s.split(/\r?\n/)) if (line.trim().length >= 8) out.add(line);
  }
  return [...out];
}

/**
 * Turns one output stream into redacted lines. Raw text is buffered until a newline: a secret
 * without a newline can't straddle a line end, so the redactor is flushed at every line end
 * (nothing is held back from a finished line). A partial line longer than MAX_LINE_CHARS goes
 * through the redactor unflushed, which holds back enough to catch a secret across the cut.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder("utf-8");
  private readonly redactor: StreamRedactor;
  private raw = "";
  private carry = ""; // redacted start of a long line not yet emitted
  private continued = false; // pieces of the current line were already emitted

  constructor(
    secrets: readonly string[],
    private readonly emit: (line: string) => void,
  ) {
    this.redactor = new StreamRedactor(secrets);
  }

  push(chunk: Uint8Array | string): void {
    this.raw += typeof chunk === "string" ? chunk : this.decoder.decode(chunk, { stream: true });
    const end = this.raw.lastIndexOf("\n");
    if (end >= 0) {
      const complete = this.raw.slice(0, end + 1);
      this.raw = this.raw.slice(end + 1);
      this.emitText(this.carry + this.redactor.push(complete) + this.redactor.flush(), true);
      this.carry = "";
      this.continued = false;
    }
    if (this.raw.length > MAX_LINE_CHARS) {
      this.carry += this.redactor.push(this.raw);
      this.raw = "";
      while (this.carry.length >= MAX_LINE_CHARS) {
        this.emit(this.carry.slice(0, MAX_LINE_CHARS));
        this.carry = this.carry.slice(MAX_LINE_CHARS);
        this.continued = true;
      }
    }
  }

  /** Emits what is left, a last line without a newline included. */
  end(): void {
    this.raw += this.decoder.decode();
    const rest = this.carry + this.redactor.push(this.raw) + this.redactor.flush();
    this.raw = "";
    this.carry = "";
    if (rest.length) this.emitText(rest, false);
    this.continued = false;
  }

  private emitText(text: string, endsWithNewline: boolean): void {
    const lines = text.split("\n");
    if (endsWithNewline) lines.pop();
    // A line cut exactly at MAX_LINE_CHARS ends with nothing left: no empty line for it.
    if (this.continued && lines[0] === "") lines.shift();
    for (const l of lines) {
      const line = l.endsWith("\r") ? l.slice(0, -1) : l;
      for (let i = 0; i < line.length || i === 0; i += MAX_LINE_CHARS) this.emit(line.slice(i, i + MAX_LINE_CHARS));
    }
  }
}

/** Both streams of one node: redacted line splitting plus a total size cap. */
export class LogPump {
  private readonly splitters: Record<LogStream, LineSplitter>;
  private emitted = 0;
  private truncated = false;

  constructor(
    secrets: readonly string[],
    private readonly onLog: (stream: LogStream, line: string) => void,
    private readonly maxChars = DEFAULT_MAX_LOG_CHARS,
  ) {
    const all = expandSecrets(secrets);
    this.splitters = {
      stdout: new LineSplitter(all, (line) => this.deliver("stdout", line)),
      stderr: new LineSplitter(all, (line) => this.deliver("stderr", line)),
    };
  }

  push(stream: LogStream, chunk: Uint8Array | string): void {
    this.splitters[stream].push(chunk);
  }

  end(): void {
    this.splitters.stdout.end();
    this.splitters.stderr.end();
  }

  get isTruncated(): boolean {
    return this.truncated;
  }

  private deliver(stream: LogStream, line: string): void {
    if (this.truncated) return;
    this.emitted += line.length + 1;
    if (this.emitted > this.maxChars) {
      this.truncated = true;
      this.onLog("stderr", `[galley] log truncated: more than ${Math.round(this.maxChars / 1024)} KiB of output`);
      return;
    }
    // A throwing consumer must not break the pump (the process keeps writing).
    try {
      this.onLog(stream, line);
    } catch {
      /* the consumer's problem; keep draining */
    }
  }
}

/**
 * Splits Docker's multiplexed attach stream (Tty off): frames of an 8-byte header
 * [stream, 0, 0, 0, size uint32 BE] and `size` bytes of payload.
 */
export class FrameDemuxer {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: LogStream, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      const payload = this.buf.subarray(8, 8 + size);
      // 1 = stdout, 2 = stderr; 0 (stdin) never comes back on an attach without stdin.
      this.onFrame(this.buf[0] === 2 ? "stderr" : "stdout", payload);
      this.buf = this.buf.subarray(8 + size);
    }
  }
}

/** onLog without the first `saved` lines of each stream (already in the node's log). */
export function skipSaved(onLog: (stream: LogStream, line: string) => void, saved: { stdout: number; stderr: number }): (stream: LogStream, line: string) => void {
  const left = { ...saved };
  return (stream, line) => {
    if (left[stream] > 0) {
      left[stream]--;
      return;
    }
    onLog(stream, line);
  };
}
