import type { Db } from "@galley/db";

export const DEFAULT_LOG_CAP_BYTES = 5 * 1024 * 1024;
const FLUSH_LINES = 200;
const FLUSH_MS = 200;

/**
 * Buffers a node's log lines and writes them in batches, so a container printing megabytes per
 * second costs a few inserts a second. Past the cap it writes one marker and drops the rest;
 * the node run records that its log was cut.
 */
export class LogSink {
  private buffer: { stream: string; line: string; at: Date }[] = [];
  private bytes = 0;
  private truncated = false;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** Lines lost to failed writes since the last successful one (said in the log when it works again). */
  private lostLines = 0;
  private lostReason = "";
  /** Failed writes, for the node's record and tests. */
  failedWrites = 0;

  constructor(
    private readonly db: Db,
    private readonly nodeRunId: string,
    private readonly attempt: number,
    private readonly capBytes = DEFAULT_LOG_CAP_BYTES,
    startBytes = 0,
    /** Told about every failed write (the worker logs it); a lost batch never fails the node. */
    private readonly onWriteError?: (e: unknown, lines: number) => void,
  ) {
    this.bytes = startBytes;
  }

  write(stream: "stdout" | "stderr" | "system", line: string): void {
    if (this.truncated) return;
    const size = Buffer.byteLength(line, "utf8") + 1;
    if (this.bytes + size > this.capBytes) {
      this.truncated = true;
      this.buffer.push({ stream: "system", line: `[galley] log truncated: the node printed more than ${Math.round(this.capBytes / 1024 / 1024)} MiB; the rest was dropped`, at: new Date() });
      this.schedule(true);
      return;
    }
    this.bytes += size;
    this.buffer.push({ stream, line, at: new Date() });
    this.schedule(this.buffer.length >= FLUSH_LINES);
  }

  private schedule(now: boolean) {
    if (now) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, FLUSH_MS);
    }
  }

  /** Writes what is buffered; chained so batches land in order. */
  flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    const bytes = this.bytes;
    const truncated = this.truncated;
    this.writing = this.writing.then(async () => {
      const rows = batch.map((b) => ({ nodeRunId: this.nodeRunId, attempt: this.attempt, stream: b.stream, line: b.line, at: b.at }));
      if (this.lostLines) {
        // The log says where it has a hole, and why.
        rows.unshift({ nodeRunId: this.nodeRunId, attempt: this.attempt, stream: "system", line: `[galley] ${this.lostLines} log line(s) could not be saved: ${this.lostReason}`, at: new Date() });
      }
      if (rows.length) await this.db.nodeLog.createMany({ data: rows });
      this.lostLines = 0;
      await this.db.nodeRun.update({ where: { id: this.nodeRunId }, data: { logBytes: bytes, logTruncated: truncated } });
    }).catch((e) => {
      // A lost log batch must not fail the node; the next flush records the byte count again and
      // says how many lines were lost.
      this.failedWrites++;
      this.lostLines += batch.length;
      this.lostReason = ((e as Error)?.message ?? String(e)).split("\n")[0].slice(0, 200);
      this.onWriteError?.(e, batch.length);
    });
    return this.writing;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}
