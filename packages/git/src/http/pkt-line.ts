/** Git's pkt-line framing (4 hex digits of length, then payload) for the receive-pack command list and report. */
import { AppError } from "@galley/core";
import type { RefUpdate } from "../types";

export const FLUSH = Buffer.from("0000");
const MAX_PKT = 65520;
/** A command list bigger than this is not a real push. */
export const MAX_COMMANDS_BYTES = 1024 * 1024;

export function pkt(payload: string | Buffer): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, "0")), body]);
}

export interface ReceivePackCommands {
  commands: RefUpdate[];
  capabilities: string[];
  /** Byte offset just after the flush-pkt ending the command list. */
  end: number;
}

const bad = (why: string) => new AppError("bad_request", `Malformed push request: ${why}`);

/**
 * Parses the ref update commands at the start of a receive-pack request body, the same way receive-pack's
 * read_head_info does (`<old> SP <new> SP <ref>`, capabilities after a NUL on the first command, `shallow` lines
 * skipped), so the refs Galley authorises are exactly the refs git will update. Returns null until the flush-pkt
 * has arrived; anything unexpected fails closed.
 */
export function parseReceivePackCommands(buf: Buffer): ReceivePackCommands | null {
  const commands: RefUpdate[] = [];
  let capabilities: string[] = [];
  let pos = 0;
  while (true) {
    if (pos + 4 > buf.length) return tooBigOrNull(buf);
    const lenHex = buf.subarray(pos, pos + 4).toString("latin1");
    if (!/^[0-9a-f]{4}$/.test(lenHex)) throw bad("bad pkt-line length");
    const len = parseInt(lenHex, 16);
    if (len === 0) return { commands, capabilities, end: pos + 4 };
    if (len < 4 || len > MAX_PKT) throw bad(`unexpected pkt-line length ${len}`);
    if (pos + len > buf.length) return tooBigOrNull(buf);
    let line = buf.subarray(pos + 4, pos + len).toString("latin1");
    pos += len;
    if (line.endsWith("\n")) line = line.slice(0, -1);
    if (line.startsWith("shallow ")) continue;
    if (line.startsWith("push-cert")) throw bad("signed pushes are not supported");
    const nul = line.indexOf("\0");
    if (nul >= 0) {
      if (commands.length === 0) capabilities = line.slice(nul + 1).split(" ").filter(Boolean);
      line = line.slice(0, nul);
    }
    const m = /^([0-9a-f]{40}) ([0-9a-f]{40}) (.+)$/.exec(line);
    if (!m) throw bad("expected '<old> <new> <ref>'");
    commands.push({ oldSha: m[1], newSha: m[2], ref: Buffer.from(m[3], "latin1").toString("utf8") });
  }
}

function tooBigOrNull(buf: Buffer): null {
  if (buf.length > MAX_COMMANDS_BYTES) throw bad("command list too large");
  return null;
}

/** Control characters would break the one-line report format. */
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim().slice(0, 500);

/**
 * A receive-pack result that refuses every ref with `reason`, so `git push` prints
 * `! [remote rejected] <branch> (<reason>)` and exits non-zero. Returns null when the client asked for no status
 * report (then only an HTTP error can say no).
 */
export function refusalReport(refs: RefUpdate[], reason: string, capabilities: string[]): Buffer | null {
  if (!capabilities.includes("report-status") && !capabilities.includes("report-status-v2")) return null;
  const why = oneLine(reason);
  const report = Buffer.concat([pkt("unpack ok\n"), ...refs.map((r) => pkt(`ng ${r.ref} ${why}\n`)), FLUSH]);
  const band = capabilities.includes("side-band-64k") ? 65515 : capabilities.includes("side-band") ? 995 : 0;
  if (band === 0) return report;
  const parts = [pkt(Buffer.concat([Buffer.from([2]), Buffer.from(`Galley: ${why}\n`)]))];
  for (let i = 0; i < report.length; i += band) parts.push(pkt(Buffer.concat([Buffer.from([1]), report.subarray(i, i + band)])));
  parts.push(FLUSH);
  return Buffer.concat(parts);
}
