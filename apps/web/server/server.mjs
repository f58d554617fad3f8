// One web process: Next's request handler behind our own node:http server, so that cached JSON
// answers are gzipped once (memo-gzip.mjs) instead of on every request. Everything else is
// Next's as under `next start`: routing, pages, its compression of all other responses.
// PORT (3000) and GALLEY_WEB_HOST (every interface, as `next start` without -H) say where to listen.
import http from "node:http";
import path from "node:path";
import next from "next";
import { memoizeGzip } from "./memo-gzip.mjs";

const port = Number.parseInt(process.env.PORT ?? "3000", 10);
const host = process.env.GALLEY_WEB_HOST || undefined;
process.env.NEXT_TELEMETRY_DISABLED = "1";
process.title = "galley-web";

const app = next({ dev: false, dir: path.resolve(import.meta.dirname, ".."), hostname: host ?? "localhost", port });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  memoizeGzip(req, res);
  handle(req, res).catch((e) => {
    console.error(`[galley] request ${req.method} ${req.url} failed`, e);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
// Longer than the idle timeouts of common load balancers (60 s), as Next advises for `next start`.
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => console.log(`[galley] web listening on ${host ?? "*"}:${port}`));

for (const sig of ["SIGTERM", "SIGINT"]) {
  process.once(sig, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}
