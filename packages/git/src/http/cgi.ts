/** Reading a CGI program's answer: a header block, a blank line, then the body. */

export interface CgiResponse {
  status: number;
  headers: Record<string, string>;
  body: AsyncIterable<Uint8Array>;
}

const MAX_HEADER_BYTES = 64 * 1024;

/** Parses the header block (`Status: 404 Not Found` sets the status; default 200). Pure, for unit tests. */
export function parseCgiHeaders(block: string): { status: number; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
    else headers[name.toLowerCase()] = value;
  }
  return { status, headers };
}

function headerEnd(buf: Buffer): { at: number; length: number } | null {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  return lf >= 0 ? { at: lf, length: 2 } : null;
}

/** Waits for the header block of `stdout`, then hands the rest on as a stream without buffering it. */
export async function readCgiResponse(stdout: AsyncIterable<Uint8Array>): Promise<CgiResponse | null> {
  const it = stdout[Symbol.asyncIterator]();
  let buf = Buffer.alloc(0);
  while (true) {
    const end = headerEnd(buf);
    if (end) {
      const { status, headers } = parseCgiHeaders(buf.subarray(0, end.at).toString("latin1"));
      const rest = buf.subarray(end.at + end.length);
      return { status, headers, body: continueWith(rest, it) };
    }
    if (buf.length > MAX_HEADER_BYTES) return null;
    const next = await it.next();
    if (next.done) return null;
    buf = Buffer.concat([buf, next.value]);
  }
}

async function* continueWith(first: Buffer, it: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (first.length > 0) yield first;
  while (true) {
    const next = await it.next();
    if (next.done) return;
    yield next.value;
  }
}
