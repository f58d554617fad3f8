// gzip each cached JSON answer once, not once per request. The dashboard, a Kitchen's runs and
// the Kitchen pages are answered from memory (lib/runs-answers.ts, lib/dashboard-deps.ts,
// lib/read-models/kitchens.ts), and under load gzipping the same bytes again on every request
// halved what a web process could serve (bench dashboard-api). Next drops a route's own
// Content-Encoding, so this runs around Next's handler (server/server.mjs):
//   - a route marks an answer as memoizable with an ETag (a hash of its bytes, made when it was
//     cached) and `Cache-Control: no-store, no-transform` (which also tells Next's compression to
//     leave it alone);
//   - for such an answer, to a GET that accepts gzip, the body is collected, gzipped once per
//     ETag and length (kept in a bounded map), and sent with its Content-Length;
//   - everything else passes through untouched, to Next's own compression.
import { gzipSync } from "node:zlib";

/** Total bytes of gzipped answers kept; the oldest go first. */
const MAX_BYTES = 32 * 1024 * 1024;
/** Larger answers are not kept: they would push the rest out. */
const MAX_ENTRY = 4 * 1024 * 1024;

const zipped = new Map();
let bytes = 0;

function remember(key, gz) {
  if (gz.length > MAX_ENTRY) return;
  zipped.set(key, gz);
  bytes += gz.length;
  for (const [k, v] of zipped) {
    if (bytes <= MAX_BYTES) break;
    zipped.delete(k);
    bytes -= v.length;
  }
}

/** The gzip of `body`, known by `key` (made once while kept). Exported for tests. */
export function gzipOnce(key, body) {
  const hit = zipped.get(key);
  if (hit) return hit;
  const gz = gzipSync(body);
  remember(key, gz);
  return gz;
}

function memoizable(res) {
  const etag = res.getHeader("etag");
  return (
    res.statusCode === 200 &&
    typeof etag === "string" &&
    /no-transform/.test(String(res.getHeader("cache-control") ?? "")) &&
    /^application\/json\b/.test(String(res.getHeader("content-type") ?? ""))
  );
}

/**
 * Wraps `res` so that a memoizable answer goes out gzipped from the map. Call before handing the
 * request to Next. Until the answer's headers are known nothing is decided; then every call
 * either goes straight through (Next's compression, which wraps these methods in turn, keeps
 * working) or the body is collected until `end`, which sends the gzip with the real methods.
 */
export function memoizeGzip(req, res) {
  if (req.method !== "GET" || !/\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) return;
  const real = { writeHead: res.writeHead, flushHeaders: res.flushHeaders, write: res.write, end: res.end };
  let decided = false;
  let collecting = false;
  let head = [];
  const chunks = [];

  const decide = () => {
    if (!decided) {
      decided = true;
      collecting = memoizable(res);
    }
    return collecting;
  };
  const add = (chunk, encoding) => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    chunks.push(Buffer.isBuffer(chunk) ? chunk : typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? encoding : "utf8") : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  };

  res.writeHead = function writeHead(...args) {
    if (typeof args[0] === "number" && !decided) res.statusCode = args[0];
    if (!decide()) return real.writeHead.apply(res, args);
    head = args;
    return res;
  };
  res.flushHeaders = function flushHeaders() {
    if (!decide()) return real.flushHeaders.call(res);
  };
  res.write = function write(chunk, encoding, cb) {
    if (!decide()) return real.write.call(res, chunk, encoding, cb);
    add(chunk, encoding);
    const done = typeof encoding === "function" ? encoding : cb;
    if (typeof done === "function") process.nextTick(done);
    return true;
  };
  res.end = function end(chunk, encoding, cb) {
    if (!decide()) return real.end.call(res, chunk, encoding, cb);
    add(chunk, encoding);
    const body = Buffer.concat(chunks);
    const gz = gzipOnce(`${res.getHeader("etag")} ${body.length}`, body);
    res.setHeader("content-encoding", "gzip");
    res.setHeader("content-length", gz.length);
    const vary = String(res.getHeader("vary") ?? "");
    if (!/accept-encoding/i.test(vary)) res.setHeader("vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
    real.writeHead.apply(res, head.length ? head : [res.statusCode]);
    const done = typeof chunk === "function" ? chunk : typeof encoding === "function" ? encoding : cb;
    return real.end.call(res, gz, done);
  };
}
