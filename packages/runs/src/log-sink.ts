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

  constructor(
    private readonly db: Db,
    private readonly nodeRunId: string,
    private readonly attempt: number,
    private readonly capBytes = DEFAULT_LOG_CAP_BYTES,
    startBytes = 0,
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
      if (batch.length) {
        await this.db.nodeLog.createMany({ data: batch.map((b) => ({ nodeRunId: this.nodeRunId, attempt: this.attempt, stream: b.stream, line: b.line, at: b.at })) });
      }
      await this.db.nodeRun.update({ where: { id: this.nodeRunId }, data: { logBytes: bytes, logTruncated: truncated } });
    }).catch(() => {
      // A lost log batch must not fail the node; the next flush records the byte count again.
    });
    return this.writing;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}
