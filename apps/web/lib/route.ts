// THE route wrapper. Every API handler goes through it: authentication in the data path (never
// proxy/middleware: CVE-2025-29927), CSRF for mutations, bounded JSON bodies, zod validation,
// one error shape, one log line per request.
import { randomUUID } from "node:crypto";
import { authenticateToken, getSessionUser, type AuthUser } from "@galley/auth";
import { AppError } from "@galley/core";
import type { z } from "zod";
import { authDeps, logger } from "./deps";
import { kitchenDirectoryChanged } from "./kitchen-directory";
import { runsAnswersChanged } from "./runs-answers";
import { assertSameOrigin, clientIp, DEFAULT_BODY_LIMIT, isMutation, queryObject, readJsonBody } from "./request";
import { describeError, errorResponse, json, zodError } from "./responses";
import { sessionTokenFrom } from "./session-cookie";

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteOptions<A extends "user" | "none", B, Q, P> {
  auth: A;
  body?: B;
  query?: Q;
  params?: P;
  /** Parses what the handler returns, so a field added to a query cannot leak by accident. */
  output?: Schema;
  /** Bytes; 1 MiB unless a route needs more. */
  bodyLimit?: number;
}

export interface RouteContext<A extends "user" | "none", B, Q, P> {
  /** The signed-in user; routes with auth "none" never look one up (health must work without a database). */
  user: A extends "user" ? AuthUser : null;
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
  requestId: string;
  ip: string;
  req: Request;
}

type NextContext = { params: Promise<Record<string, string | string[] | undefined>> };

function bearerToken(req: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
}

/** A `Bearer gly_…` token wins; otherwise the session cookie. */
async function authenticate(req: Request): Promise<AuthUser | null> {
  const bearer = bearerToken(req);
  if (bearer) return authenticateToken(authDeps(), bearer);
  return getSessionUser(authDeps(), sessionTokenFrom(req));
}

function validate<S>(schema: S | undefined, value: unknown): unknown {
  if (!schema) return undefined;
  const r = (schema as unknown as Schema).safeParse(value);
  if (!r.success) throw zodError(r.error);
  return r.data;
}

function withHeader(res: Response, name: string, value: string): Response {
  try {
    res.headers.set(name, value);
    return res;
  } catch {
    // Responses from fetch() or Response.redirect() have immutable headers.
    const copy = new Response(res.body, res);
    copy.headers.set(name, value);
    return copy;
  }
}

export function route<A extends "user" | "none", B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, P extends Schema | undefined = undefined>(
  opts: RouteOptions<A, B, Q, P>,
  handler: (ctx: RouteContext<A, B, Q, P>) => Promise<unknown>,
): (req: Request, ctx?: NextContext) => Promise<Response> {
  return async (req, nextCtx) => {
    const started = performance.now();
    const requestId = randomUUID();
    const url = new URL(req.url);
    let userId: string | undefined;
    let res: Response;
    try {
      // Only a Bearer header (which browsers never attach on their own) exempts a request from
      // the Origin requirement; any other request carrying the cookie is treated as cookie-borne.
      const cookieBorne = !bearerToken(req) && sessionTokenFrom(req) !== undefined;
      if (isMutation(req.method)) assertSameOrigin(req, cookieBorne);
      const user = opts.auth === "user" ? await authenticate(req) : null;
      if (opts.auth === "user" && !user) throw new AppError("unauthenticated", "sign in first");
      userId = user?.id;
      const body = opts.body ? validate(opts.body, await readJsonBody(req, opts.bodyLimit ?? DEFAULT_BODY_LIMIT)) : undefined;
      const query = validate(opts.query, queryObject(url));
      const params = validate(opts.params, nextCtx ? await nextCtx.params : {});
      const ctx = { user, body, query, params, requestId, ip: clientIp(req), req } as RouteContext<A, B, Q, P>;
      const result = await handler(ctx);
      if (result instanceof Response) res = result;
      else if (result === undefined) res = new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
      else res = json(opts.output ? opts.output.parse(result) : result);
    } catch (e) {
      res = errorResponse(e, requestId);
      if (res.status >= 500) logger().error("request failed", { requestId, method: req.method, path: url.pathname, error: describeError(e) });
    }
    // This process reads its own writes back at once, without waiting for their NOTIFYs.
    if (isMutation(req.method)) {
      kitchenDirectoryChanged();
      runsAnswersChanged();
    }
    res = withHeader(res, "x-request-id", requestId);
    logger().info("request", { requestId, method: req.method, path: url.pathname, status: res.status, ms: Math.round(performance.now() - started), userId });
    return res;
  };
}
