// The web server's gzip-once for cached answers (server/memo-gzip.mjs), in front of the same
// compression middleware Next applies to everything else, over real HTTP on loopback.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript module (run by node before Next is loaded)
import { gzipOnce, memoizeGzip } from "../server/memo-gzip.mjs";
// @ts-expect-error Next's compiled copy of the `compression` middleware ships no types
import compression from "next/dist/compiled/compression";

const BODY = JSON.stringify({ runs: Array.from({ length: 200 }, (_, i) => ({ id: i, status: "succeeded", pipeline: "orders" })) });
let base = "";
let server: http.Server;

beforeAll(async () => {
  const compress = compression();
  server = http.createServer((req, res) => {
    memoizeGzip(req, res);
    // As Next does: its compression wraps the response after us, then headers, then the body streamed.
    compress(req, res, () => {});
    const url = new URL(req.url!, "http://x");
    if (url.pathname === "/stream") {
      res.setHeader("content-type", "text/event-stream");
      res.setHeader("cache-control", "no-store");
      res.flushHeaders();
      res.write("data: first\n\n");
      (res as unknown as { flush?: () => void }).flush?.();
      setTimeout(() => res.end("data: last\n\n"), 300);
      return;
    }
    res.statusCode = url.pathname === "/missing" ? 404 : 200;
    res.setHeader("content-type", "application/json");
    if (url.pathname !== "/plain") {
      res.setHeader("cache-control", "no-store, no-transform");
      res.setHeader("etag", '"v1"');
    } else res.setHeader("cache-control", "no-store");
    res.flushHeaders();
    res.write(BODY.slice(0, 1000));
    res.end(Buffer.from(BODY.slice(1000)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** The raw answer: status, headers and the bytes on the wire (no decoding, unlike fetch). */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; firstChunkMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http.get(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      let firstChunkMs = -1;
      res.on("data", (d: Buffer) => {
        if (firstChunkMs < 0) firstChunkMs = performance.now() - t0;
        chunks.push(d);
      });
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), firstChunkMs }));
    }).on("error", reject);
  });
}

describe("gzip once per cached answer", () => {
  it("sends a marked answer gzipped with its length, the same bytes each time, and gzips it once", async () => {
    const a = await get("/cached", { "accept-encoding": "gzip, deflate, br" });
    expect(a.status).toBe(200);
    expect(a.headers["content-encoding"]).toBe("gzip");
    expect(Number(a.headers["content-length"])).toBe(a.body.length);
    expect(a.headers.vary).toMatch(/Accept-Encoding/);
    expect(a.headers.etag).toBe('"v1"');
    expect(gunzipSync(a.body).toString()).toBe(BODY);
    const b = await get("/cached", { "accept-encoding": "gzip" });
    expect(b.body.equals(a.body)).toBe(true);
    // The map holds it: asked again for the same key, the very same buffer comes back.
    const key = `"v1" ${Buffer.byteLength(BODY)}`;
    expect(gzipOnce(key, Buffer.from("ignored: already kept"))).toBe(gzipOnce(key, Buffer.from(BODY)));
  });

  it("leaves everything else to the compression middleware: unmarked answers, errors, clients without gzip", async () => {
    const plain = await get("/plain", { "accept-encoding": "gzip" });
    expect(plain.headers["content-encoding"]).toBe("gzip");
    expect(plain.headers["content-length"]).toBeUndefined(); // streamed by the middleware
    expect(gunzipSync(plain.body).toString()).toBe(BODY);
    const missing = await get("/missing", { "accept-encoding": "gzip" });
    expect(missing.status).toBe(404);
    expect(missing.headers["content-encoding"]).toBeUndefined(); // no-transform: nobody compresses it
    expect(missing.body.toString()).toBe(BODY);
    const identity = await get("/cached");
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(identity.body.toString()).toBe(BODY);
  });

  it("does not hold back a stream: its first event arrives before it ends", async () => {
    const r = await get("/stream", { "accept-encoding": "gzip" });
    expect(r.firstChunkMs).toBeLessThan(250);
    const text = r.headers["content-encoding"] === "gzip" ? gunzipSync(r.body).toString() : r.body.toString();
    expect(text).toBe("data: first\n\ndata: last\n\n");
  });
});
