// The route wrapper and the foundation's API handlers, called directly with Request objects
// against a real PostgreSQL database seeded with the demo organisation.
import { AppError } from "@galley/core";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

const BASE = "http://galley.test";
let t: TestDatabase;
let api: {
  signIn: typeof import("../app/api/auth/sign-in/route").POST;
  signOut: typeof import("../app/api/auth/sign-out/route").POST;
  me: typeof import("../app/api/me/route").GET;
  kitchens: typeof import("../app/api/kitchens/route").GET;
  environments: typeof import("../app/api/environments/route").GET;
  health: typeof import("../app/api/health/route").GET;
};
let route: typeof import("./route").route;

beforeAll(async () => {
  t = await createTestDatabase();
  // Configuration is read once, lazily, on the first request: point it at this test's database.
  Object.assign(process.env, { DATABASE_URL: t.url, GALLEY_BASE_URL: BASE, LOG_LEVEL: "error" });
  const { seedDemo } = await import("../../../scripts/seed-demo");
  await seedDemo({ databaseUrl: t.url });
  const env = await t.db.environment.findFirstOrThrow({ where: { name: "development" } });
  const chris = await t.db.user.findUniqueOrThrow({ where: { email: "chris@galley.local" } });
  await t.db.kitchen.create({
    data: {
      name: "chris_secret", branch: "chris_secret", schemaName: "chris_secret", environmentId: env.id, isPrivate: true,
      staff: { create: { userId: chris.id, isOwner: true } },
    },
  });
  api = {
    signIn: (await import("../app/api/auth/sign-in/route")).POST,
    signOut: (await import("../app/api/auth/sign-out/route")).POST,
    me: (await import("../app/api/me/route")).GET,
    kitchens: (await import("../app/api/kitchens/route")).GET,
    environments: (await import("../app/api/environments/route")).GET,
    health: (await import("../app/api/health/route")).GET,
  };
  route = (await import("./route")).route;
});
afterAll(async () => ((await import("./run-hub")).closeRunHubs(), await t?.drop()));

function req(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Request {
  return new Request(`${BASE}${path}`, { ...init, headers: { host: "galley.test", ...init.headers } });
}

function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return req(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", origin: BASE, ...headers } });
}

async function signInAs(email: string): Promise<string> {
  const res = await api.signIn(postJson("/api/auth/sign-in", { email, password: "galley-demo-2026" }));
  expect(res.status).toBe(200);
  return /galley_session=([^;]+)/.exec(res.headers.get("set-cookie")!)![1];
}

const cookie = (token: string) => ({ cookie: `other=1; galley_session=${token}` });

describe("authentication in the data path", () => {
  it("answers 401 JSON without a session", async () => {
    const res = await api.kitchens(req("/api/kitchens"));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: "unauthenticated", message: "sign in first" } });
  });

  it("ignores a forged x-middleware-subrequest header (CVE-2025-29927)", async () => {
    const res = await api.kitchens(req("/api/kitchens", { headers: { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" } }));
    expect(res.status).toBe(401);
  });

  it("signs in with an httpOnly, SameSite=Lax cookie and serves the user", async () => {
    const res = await api.signIn(postJson("/api/auth/sign-in", { email: "Padma@Galley.local", password: "galley-demo-2026" }));
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^galley_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
    expect(setCookie).not.toMatch(/Secure/); // http base URL
    const { user } = await res.json();
    expect(user).toMatchObject({ email: "padma@galley.local", role: "developer" });
    expect(Object.keys(user).sort()).toEqual(["email", "id", "name", "role"]);
    const token = /galley_session=([^;]+)/.exec(setCookie)![1];
    const me = await api.me(req("/api/me", { headers: cookie(token) }));
    expect((await me.json()).user.email).toBe("padma@galley.local");
  });

  it("gives one message for a wrong password and an unknown email", async () => {
    for (const email of ["padma@galley.local", "nobody@galley.local"]) {
      const res = await api.signIn(postJson("/api/auth/sign-in", { email, password: "wrong-password" }));
      expect(res.status).toBe(401);
      expect((await res.json()).error.message).toBe("email or password is incorrect");
    }
  });

  it("accepts a personal access token as Bearer, without Origin", async () => {
    const { createAccessToken } = await import("@galley/auth");
    const eric = await t.db.user.findUniqueOrThrow({ where: { email: "eric@galley.local" } });
    const { token } = await createAccessToken({ db: t.db }, eric.id, "script");
    const me = await api.me(req("/api/me", { headers: { authorization: `Bearer ${token}` } }));
    expect((await me.json()).user.email).toBe("eric@galley.local");
    const echo = route({ auth: "user" }, async ({ user }) => ({ id: user.id }));
    expect((await echo(req("/x", { method: "POST", headers: { authorization: `Bearer ${token}` } }))).status).toBe(200);
    expect((await me.status)).toBe(200);
    const bad = await api.me(req("/api/me", { headers: { authorization: "Bearer gly_nope" } }));
    expect(bad.status).toBe(401);
  });

  it("sign-out ends the session: replaying the cookie gets 401", async () => {
    const token = await signInAs("chris@galley.local");
    const out = await api.signOut(req("/api/auth/sign-out", { method: "POST", headers: { ...cookie(token), origin: BASE } }));
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/^galley_session=; .*Max-Age=0/);
    expect((await api.me(req("/api/me", { headers: cookie(token) }))).status).toBe(401);
  });

  it("a session ended elsewhere (another process, a direct delete) is refused within the cache's bound", async () => {
    const { AUTH_CACHE_TTL_MS, hashToken } = await import("@galley/auth");
    const token = await signInAs("chris@galley.local");
    expect((await api.me(req("/api/me", { headers: cookie(token) }))).status).toBe(200); // now cached
    const ended = Date.now();
    await t.db.session.deleteMany({ where: { tokenHash: hashToken(token) } });
    let status = 200;
    while (status === 200 && Date.now() - ended < AUTH_CACHE_TTL_MS + 1_000) {
      status = (await api.me(req("/api/me", { headers: cookie(token) }))).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(401);
  });

  it("a user disabled elsewhere is refused within the cache's bound", async () => {
    const { AUTH_CACHE_TTL_MS } = await import("@galley/auth");
    const token = await signInAs("eric@galley.local");
    expect((await api.me(req("/api/me", { headers: cookie(token) }))).status).toBe(200);
    const ended = Date.now();
    await t.db.user.update({ where: { email: "eric@galley.local" }, data: { disabled: true } });
    try {
      let status = 200;
      while (status === 200 && Date.now() - ended < AUTH_CACHE_TTL_MS + 1_000) {
        status = (await api.me(req("/api/me", { headers: cookie(token) }))).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe(401);
    } finally {
      await t.db.user.update({ where: { email: "eric@galley.local" }, data: { disabled: false } });
    }
  });
});

describe("CSRF", () => {
  const mutate = () => route({ auth: "user" }, async () => ({ ok: true }));

  it("refuses a cookie-authenticated mutation without Origin (403)", async () => {
    const token = await signInAs("padma@galley.local");
    const res = await mutate()(req("/x", { method: "POST", headers: cookie(token) }));
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
  });

  it("refuses a cross-origin POST even to sign-in (login CSRF)", async () => {
    const res = await api.signIn(postJson("/api/auth/sign-in", { email: "padma@galley.local", password: "galley-demo-2026" }, { origin: "https://evil.example" }));
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("accepts the Host's own origin and the configured base URL", async () => {
    const token = await signInAs("padma@galley.local");
    const viaHost = await mutate()(new Request("http://10.0.0.5:3000/x", { method: "POST", headers: { host: "10.0.0.5:3000", origin: "http://10.0.0.5:3000", ...cookie(token) } }));
    expect(viaHost.status).toBe(200);
    const viaBase = await mutate()(new Request("http://internal:3000/x", { method: "POST", headers: { host: "internal:3000", origin: BASE, ...cookie(token) } }));
    expect(viaBase.status).toBe(200);
  });

  it("still requires Origin when a non-Bearer Authorization header rides along with the cookie", async () => {
    const token = await signInAs("padma@galley.local");
    const basic = `Basic ${Buffer.from("padma@galley.local:galley-demo-2026").toString("base64")}`;
    const res = await mutate()(req("/x", { method: "POST", headers: { ...cookie(token), authorization: basic } }));
    expect(res.status).toBe(403);
  });

  it("leaves safe methods alone", async () => {
    const token = await signInAs("padma@galley.local");
    expect((await api.kitchens(req("/api/kitchens", { headers: { ...cookie(token), origin: "https://evil.example" } }))).status).toBe(200);
  });
});

describe("bodies, validation and errors", () => {
  const nested = () => route({ auth: "none", body: z.object({ kitchen: z.object({ name: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, "lower-case letters, digits and _") }) }) }, async ({ body }) => body);

  it("400 with a message for malformed JSON", async () => {
    const res = await api.signIn(req("/api/auth/sign-in", { method: "POST", body: '{"email": "padma@', headers: { "content-type": "application/json", origin: BASE } }));
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("bad_request");
    expect(error.message).toMatch(/^malformed JSON: /);
  });

  it("400 when the body is not declared as JSON", async () => {
    const res = await api.signIn(req("/api/auth/sign-in", { method: "POST", body: "email=a&password=b", headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE } }));
    expect(res.status).toBe(400);
  });

  it("413 past 1 MiB, declared or streamed", async () => {
    const big = JSON.stringify({ email: "a@b.c", password: "x".repeat(1024 * 1024) });
    const declared = await api.signIn(postJson("/api/auth/sign-in", JSON.parse(big)));
    expect(declared.status).toBe(413);
    expect((await declared.json()).error.code).toBe("payload_too_large");
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode("x".repeat(64 * 1024)));
        c.close();
      },
    });
    const streamed = await nested()(new Request(`${BASE}/x`, { method: "POST", body: stream, headers: { "content-type": "application/json", origin: BASE, host: "galley.test" }, duplex: "half" } as RequestInit));
    expect(streamed.status).toBe(413);
  });

  it("422 invalid_input with field = the zod path", async () => {
    const missing = await api.signIn(postJson("/api/auth/sign-in", { email: "padma@galley.local" }));
    expect(missing.status).toBe(422);
    expect((await missing.json()).error).toMatchObject({ code: "invalid_input", field: "password" });
    const deep = await nested()(postJson("/x", { kitchen: { name: "Bad Name" } }));
    expect(deep.status).toBe(422);
    expect((await deep.json()).error).toMatchObject({ field: "kitchen.name", message: "kitchen.name: lower-case letters, digits and _" });
  });

  it("validates query and params too", async () => {
    const r = route({ auth: "none", query: z.object({ limit: z.coerce.number().int().max(100) }), params: z.object({ name: z.string().min(2) }) }, async ({ query, params }) => ({ limit: query.limit, name: params.name }));
    const ok = await r(req("/x?limit=5"), { params: Promise.resolve({ name: "dev" }) });
    expect(await ok.json()).toEqual({ limit: 5, name: "dev" });
    const bad = await r(req("/x?limit=500"), { params: Promise.resolve({ name: "dev" }) });
    expect((await bad.json()).error.field).toBe("limit");
  });

  it("maps AppError through the status table, with field", async () => {
    const r = route({ auth: "none" }, async () => {
      throw new AppError("not_found", "Kitchen nope does not exist", { field: "name" });
    });
    const res = await r(req("/x"));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "Kitchen nope does not exist", field: "name" } });
  });

  it("hides unknown errors behind 500 and a request id", async () => {
    const r = route({ auth: "none" }, async () => {
      throw new Error("connection to 10.1.2.3 failed: password=hunter2");
    });
    const res = await r(req("/x"));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/hunter2|10\.1\.2\.3/);
    expect(JSON.parse(text).error).toMatchObject({ code: "internal", requestId: res.headers.get("x-request-id") });
  });

  it("turns an unreachable database into 503 unavailable", async () => {
    const { getDb } = await import("@galley/db");
    const r = route({ auth: "none" }, async () => getDb("postgresql://postgres@127.0.0.1:1/nowhere").user.count());
    const res = await r(req("/x"));
    expect(res.status).toBe(503);
    expect((await res.json()).error).toMatchObject({ code: "unavailable", message: "the database is unavailable; try again shortly" });
  });

  it("parses outputs, so extra fields never leave", async () => {
    const r = route({ auth: "none", output: z.object({ name: z.string() }) }, async () => ({ name: "dev", passwordHash: "scrypt$..." }));
    expect(await (await r(req("/x"))).json()).toEqual({ name: "dev" });
  });
});

describe("foundation API", () => {
  it("lists the Kitchen tree; private Kitchens only for their staff and admins", async () => {
    const names = async (email: string) => {
      const res = await api.kitchens(req("/api/kitchens", { headers: cookie(await signInAs(email)) }));
      // Never stored by a browser or a proxy; no-transform: the web server gzips it once (server/memo-gzip.mjs).
      expect(res.headers.get("cache-control")).toBe("no-store, no-transform");
      expect(res.headers.get("etag")).toMatch(/^"[\w-]+"$/);
      return (await res.json()).kitchens.map((k: { name: string }) => k.name);
    };
    expect(await names("padma@galley.local")).toEqual(["dev", "padma_feature", "production"]);
    expect(await names("chris@galley.local")).toContain("chris_secret");
    expect(await names("admin@galley.local")).toContain("chris_secret");
    const res = await api.kitchens(req("/api/kitchens", { headers: cookie(await signInAs("maya@galley.local")) }));
    const feature = (await res.json()).kitchens.find((k: { name: string }) => k.name === "padma_feature");
    expect(feature).toMatchObject({ parent: "dev", environment: "development", branch: "padma_feature", schema: "padma_feature" });
    expect(feature.staff.map((s: { email: string }) => s.email)).toEqual(["padma@galley.local"]);
  });

  it("lists environments without secrets", async () => {
    const res = await api.environments(req("/api/environments", { headers: cookie(await signInAs("padma@galley.local")) }));
    const text = await res.text();
    expect(text).not.toContain("SECRETXYZ");
    const { environments } = JSON.parse(text);
    expect(environments.map((e: { name: string }) => e.name)).toEqual(["production", "development"]);
    expect(environments[1]).toMatchObject({ kind: "development", kitchens: 3 });
  });

  it("reports health per dependency, 200 only when all are up", async () => {
    const res = await api.health(req("/api/health"));
    const body = await res.json();
    expect(Object.keys(body.checks).sort()).toEqual(["database", "docker", "git", "pools", "redis", "worker"]);
    expect(body.checks.database).toEqual({ up: true });
    expect(body.checks.git).toEqual({ up: true });
    expect(body.checks.redis).toEqual({ up: true });
    const allUp = Object.values(body.checks).every((c) => (c as { up: boolean }).up);
    expect(res.status).toBe(allUp ? 200 : 503);
    expect(body.status).toBe(allUp ? "ok" : "degraded");
  });
});
