// Request plumbing for the route wrapper: same-origin check, bounded body reading, query parsing.
import { AppError } from "@galley/core";
import { config } from "./config";

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isMutation(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * CSRF defence for mutations: a browser always sends Origin on cross-site POSTs, so a present
 * Origin must be ours (the Host the request came to, or GALLEY_BASE_URL behind a proxy). A
 * mutation that rides on the session cookie must carry an Origin at all; clients without one
 * (curl, git) authenticate with a token header instead, which browsers never attach by themselves.
 */
export function assertSameOrigin(req: Request, cookieAuthenticated: boolean): void {
  const origin = req.headers.get("origin");
  if (!origin) {
    if (cookieAuthenticated) throw new AppError("forbidden", "cross-site request refused: missing Origin header");
    return;
  }
  if (req.headers.get("sec-fetch-site") === "cross-site") throw new AppError("forbidden", "cross-site request refused");
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    throw new AppError("forbidden", "cross-site request refused: bad Origin header");
  }
  const host = req.headers.get("host");
  const base = new URL(config().GALLEY_BASE_URL);
  if (originUrl.origin === base.origin || (host !== null && originUrl.host === host)) return;
  throw new AppError("forbidden", `cross-site request refused: Origin ${origin} is not this site`);
}

/** Reads at most `limit` bytes; a lying or missing Content-Length cannot get past it. */
export async function readBodyText(req: Request, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  const tooLarge = () => new AppError("payload_too_large", `request body is larger than ${Math.round(limit / 1024)} KiB`);
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function readJsonBody(req: Request, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new AppError("bad_request", "request body must be JSON (Content-Type: application/json)");
  const text = await readBodyText(req, limit);
  if (text.trim() === "") throw new AppError("bad_request", "request body is empty; expected JSON");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError("bad_request", `malformed JSON: ${(e as Error).message}`);
  }
}

/** `?a=1&b=2&b=3` → `{ a: "1", b: ["2", "3"] }` for zod to validate. */
export function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** Best effort: the first hop of X-Forwarded-For (set by Next's server), for the audit trail only. */
export function clientIp(req: Request): string {
  return req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || req.headers.get("x-real-ip") || "unknown";
}
