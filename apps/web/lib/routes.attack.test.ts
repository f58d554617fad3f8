// The attack suite's route half (issue 7): every API and git route, found from the file system by the
// shared route manifest, called as an attacker would: without a session, as another user, on a
// private Kitchen, as a manager (viewer) making changes, as a developer on production, cross-origin,
// and with SQL, shell and path payloads in Kitchen names, file paths, pipeline fields and parameters.
// Every case asserts the refusal AND that nothing changed (every metadata table and every git ref).
// Secret canaries (a production and a development vault secret) are then searched for in every
// API answer and in the web log.
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { loadKeyring, setSecret } from "@galley/vault";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, BASE, params, req, setUpKitchensTestEnv, type KitchensTestEnv } from "./kitchens-test-env";
import { FIXTURES, loadRouteFiles, MUTATIONS, PUBLIC, SEGMENT_VALUES, VIEW_READS, type Handler, type RouteFile } from "./route-manifest";

const PROD_CANARY = "CANARY-prod-9d1c-value-never-shown";
const DEV_CANARY = "CANARY-dev-4b7a-value-never-shown";
const PROD_SECRET_NAME = "PROD_CANARY_NAME_ZQX";
const PWNED = "/tmp/galley-attack-pwned";
/** Tables that legitimately change when someone merely signs in or is refused. */
const VOLATILE = new Set(["sessions", "sign_in_attempts", "_galley_migrations", "schema_migrations"]);

let env: KitchensTestEnv;
let files: RouteFile[];
const log: string[] = [];
const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

beforeAll(async () => {
  env = await setUpKitchensTestEnv();
  process.env.LOG_LEVEL = "debug"; // before the first request parses the configuration: capture everything
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => (log.push(String(chunk)), writes.out(chunk, ...(rest as [])))) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => (log.push(String(chunk)), writes.err(chunk, ...(rest as [])))) as typeof process.stderr.write;
  files = await loadRouteFiles();
  const db = env.t.db;
  const keyring = loadKeyring({ kekFile: path.join(env.dataDir, "kek"), create: false });
  const admin = await db.user.findUniqueOrThrow({ where: { email: "admin@galley.local" } });
  const [prod, dev] = await Promise.all(["production", "development"].map((name) => db.environment.findUniqueOrThrow({ where: { name } })));
  await setSecret({ db, keyring }, { environmentId: prod.id, name: PROD_SECRET_NAME, value: PROD_CANARY, actorId: admin.id });
  await setSecret({ db, keyring }, { environmentId: dev.id, name: "DEV_CANARY", value: DEV_CANARY, actorId: admin.id });
  // Staff everywhere the refusal must come from the role alone: Padma on production, Maya on padma_feature.
  const [padma, maya] = await Promise.all(["padma@galley.local", "maya@galley.local"].map((email) => db.user.findUniqueOrThrow({ where: { email } })));
  const production = await db.kitchen.findFirstOrThrow({ where: { name: "production", deletedAt: null } });
  const feature = await db.kitchen.findFirstOrThrow({ where: { name: "padma_feature", deletedAt: null } });
  await db.kitchenStaff.createMany({ data: [{ kitchenId: production.id, userId: padma.id }, { kitchenId: feature.id, userId: maya.id }] });
  rmSync(PWNED, { force: true });
}, 240_000);

afterAll(async () => {
  process.stdout.write = writes.out;
  process.stderr.write = writes.err;
  await env?.cleanup();
});

/** A fingerprint of every metadata table (but sign-in bookkeeping) and every git ref. */
async function snapshot(): Promise<Record<string, string>> {
  const c = new pg.Client({ connectionString: env.t.url });
  await c.connect();
  try {
    const tables = (await c.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((r) => r.t).filter((t) => !VOLATILE.has(t));
    const out: Record<string, string> = {};
    for (const t of tables) {
      const r = await c.query<{ h: string | null }>(`SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS h FROM "${t.replace(/"/g, '""')}" x`);
      out[t] = r.rows[0].h ?? "empty";
    }
    const refs = await env.repo.git.text(["for-each-ref", "--format=%(refname) %(objectname)"]);
    out["git refs"] = refs;
    return out;
  } finally {
    await c.end();
  }
}

interface Call { who: string | null; f: RouteFile; m: string; h: Handler; url?: string; params?: Record<string, string | string[]>; body?: unknown; query?: string; origin?: string | null }

async function call(c: Call): Promise<{ status: number; text: string }> {
  const fx = FIXTURES[`${c.m} ${c.f.rel}`] ?? {};
  const bodyValue = c.body !== undefined ? c.body : fx.body ?? (MUTATIONS.has(c.m) ? {} : undefined);
  const body = bodyValue === undefined ? undefined : JSON.stringify(bodyValue);
  const query = c.query ?? fx.query;
  const base = c.url ?? c.f.url;
  const url = query ? `${base}?${query}` : base;
  const headers: Record<string, string> = { ...(c.who ? await as(c.who) : {}), ...(body ? { "content-type": "application/json" } : {}) };
  if (c.origin !== null) headers.origin = c.origin ?? BASE;
  const res = await c.h(req(url, { method: c.m, body, headers }), params((c.params ?? c.f.params) as Record<string, string>));
  // Live event streams never end: their status and headers are the answer.
  const text = res.headers.get("content-type")?.includes("text/event-stream") ? (await res.body?.cancel(), "") : await res.text();
  return { status: res.status, text };
}

/** POST routes that compute an answer and change nothing (the snapshot proves it). */
const READ_ONLY_POSTS = new Set(["api/kitchens/[k]/files/validate/route.ts", "api/kitchens/[k]/merge/preview/route.ts"]);
/** Asking for a review changes nothing in the Kitchen: a developer may ask production's engineers to merge. */
const REQUESTS = new Set(["api/kitchens/[k]/merge-requests/route.ts"]);

const api = () => files.filter((f) => f.rel.startsWith("api/"));
const kitchenScoped = () => api().filter((f) => f.rel.startsWith("api/kitchens/[k]/"));
const withK = (f: RouteFile, k: string) => ({ url: f.url.replace(`/kitchens/${SEGMENT_VALUES.k}`, `/kitchens/${encodeURIComponent(k)}`), params: { ...f.params, k } });

async function expectNothingChanged<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const before = await snapshot();
  const out = await fn();
  const after = await snapshot();
  for (const key of Object.keys({ ...before, ...after })) expect(after[key], `${what}: ${key} changed`).toBe(before[key]);
  return out;
}

describe("attack: routes refuse and change nothing", () => {
  it("without a session: every API route answers 401 (the public ones excepted), the git route asks for Basic auth", async () => {
    await expectNothingChanged("anonymous", async () => {
      for (const f of files.filter((x) => !PUBLIC.has(x.rel) || x.rel.startsWith("git/"))) {
        for (const [m, h] of f.handlers) expect((await call({ who: null, f, m, h })).status, `${m} ${f.url}`).toBe(401);
      }
    });
  });

  it("as another user (not on the staff): 403 on a shared Kitchen, 404 on a private one, for every Kitchen route", async () => {
    await expectNothingChanged("non-staff", async () => {
      for (const f of kitchenScoped()) {
        for (const [m, h] of f.handlers) {
          const r = await call({ who: "chris@galley.local", f, m, h });
          if (m === "GET" && VIEW_READS.has(f.rel)) expect(r.status, `${m} ${f.url}: ${r.text}`).toBe(200);
          else expect(r.status, `${m} ${f.url}: ${r.text}`).toBe(403);
        }
      }
    });
    await env.t.db.kitchen.updateMany({ where: { name: "padma_feature", deletedAt: null }, data: { isPrivate: true } });
    try {
      await expectNothingChanged("private", async () => {
        for (const f of kitchenScoped()) {
          for (const [m, h] of f.handlers) {
            for (const who of ["chris@galley.local", "eric@galley.local"]) {
              const r = await call({ who, f, m, h });
              expect(r.status, `${who} ${m} ${f.url}: ${r.text}`).toBe(404);
              expect(r.text).not.toMatch(/padma_feature's|Padma's feature/);
            }
          }
        }
      });
    } finally {
      await env.t.db.kitchen.updateMany({ where: { name: "padma_feature", deletedAt: null }, data: { isPrivate: false } });
    }
  });

  it("as a manager (viewer) on the Kitchen's staff: every change is refused with 403", async () => {
    await expectNothingChanged("viewer", async () => {
      for (const f of api().filter((x) => !PUBLIC.has(x.rel) && !READ_ONLY_POSTS.has(x.rel))) {
        for (const [m, h] of f.handlers.filter(([x]) => MUTATIONS.has(x))) {
          const r = await call({ who: "maya@galley.local", f, m, h });
          // Objects reached by id (runs, merges) that do not exist answer 404 before any rule: also a refusal.
          expect([403, 404], `${m} ${f.url}: ${r.status} ${r.text}`).toContain(r.status);
          if (f.rel.startsWith("api/kitchens/") || f.rel.startsWith("api/environments/")) expect(r.status, `${m} ${f.url}: ${r.text}`).toBe(403);
        }
      }
    });
  });

  it("as a developer on production's staff: every change to production is refused with 403, and its vault's names are hidden", async () => {
    await expectNothingChanged("developer on production", async () => {
      for (const f of kitchenScoped().filter((x) => !READ_ONLY_POSTS.has(x.rel) && !REQUESTS.has(x.rel))) {
        for (const [m, h] of f.handlers.filter(([x]) => MUTATIONS.has(x))) {
          const fx = FIXTURES[`${m} ${f.rel}`]?.body as { confirm?: string } | undefined;
          const body = fx?.confirm ? { ...fx, confirm: "production" } : undefined;
          // Merging INTO production is a merge "up" from dev (production, the root, has no parent to merge down from).
          const into = f.rel === "api/kitchens/[k]/merge/route.ts" ? { ...withK(f, "dev"), body: { direction: "up" } } : { ...withK(f, "production"), body };
          const r = await call({ who: "padma@galley.local", f, m, h, ...into });
          expect(r.status, `${m} ${f.url} on production: ${r.text}`).toBe(403);
        }
      }
      const secrets = files.find((f) => f.rel === "api/environments/[env]/secrets/route.ts")!;
      const list = await call({ who: "padma@galley.local", f: secrets, m: "GET", h: secrets.handlers[0][1], url: "/api/environments/production/secrets", params: { env: "production" } });
      expect(list.status).toBe(403);
      expect(list.text).not.toContain(PROD_SECRET_NAME);
      const one = files.find((f) => f.rel === "api/environments/[env]/secrets/[name]/route.ts")!;
      for (const [m, h] of one.handlers) {
        const r = await call({ who: "padma@galley.local", f: one, m, h, url: `/api/environments/production/secrets/${PROD_SECRET_NAME}`, params: { env: "production", name: PROD_SECRET_NAME }, body: m === "PUT" ? { value: "overwritten" } : undefined });
        expect(r.status, `${m} production secret`).toBe(403);
      }
    });
  });

  it("cross-origin: every cookie-borne mutation from another site (or with no Origin) is refused, even for the Kitchen's owner", async () => {
    await expectNothingChanged("cross-origin", async () => {
      for (const f of api()) {
        for (const [m, h] of f.handlers.filter(([x]) => MUTATIONS.has(x))) {
          for (const origin of ["https://evil.example", "null", null] as const) {
            const r = await call({ who: "padma@galley.local", f, m, h, origin });
            expect(r.status, `${m} ${f.url} origin ${origin}: ${r.text}`).toBe(403);
          }
        }
      }
    });
  });
});

const NAME_PAYLOADS = ["x'; DROP TABLE users;--", "a\"b", "$(touch /tmp/galley-attack-pwned)", "`touch /tmp/galley-attack-pwned`", "../../etc/passwd", "dev/../production", "pg_probe", "a b", "DEV", "x".repeat(300), "padma_feature;", "%2e%2e%2f"];

describe("attack: payloads in names, paths, pipeline fields and parameters", () => {
  it("Kitchen names in every Kitchen route's URL: 404 or 422, never 5xx, nothing changed, nothing executed", async () => {
    await expectNothingChanged("kitchen name payloads", async () => {
      for (const f of kitchenScoped()) {
        for (const [m, h] of f.handlers) {
          for (const k of NAME_PAYLOADS) {
            const r = await call({ who: "padma@galley.local", f, m, h, ...withK(f, k) });
            expect([404, 422], `${m} ${f.rel} k=${JSON.stringify(k)}: ${r.status} ${r.text}`).toContain(r.status);
          }
        }
      }
    });
    expect(existsSync(PWNED)).toBe(false);
  });

  it("Kitchen names when creating one: 422 with the field named, nothing created", async () => {
    const create = files.find((f) => f.rel === "api/kitchens/route.ts")!;
    const POST = create.handlers.find(([m]) => m === "POST")![1];
    await expectNothingChanged("create payloads", async () => {
      for (const name of [...NAME_PAYLOADS, "galley_k_x", "information_schema", "public"]) {
        const r = await call({ who: "padma@galley.local", f: create, m: "POST", h: POST, body: { name, parent: "dev" } });
        expect(r.status, `${JSON.stringify(name)}: ${r.text}`).toBe(422);
        expect(JSON.parse(r.text).error.field).toBe("name");
      }
      for (const parent of ["dev'; --", "../production"]) {
        const r = await call({ who: "padma@galley.local", f: create, m: "POST", h: POST, body: { name: "fine_name", parent } });
        expect([404, 422], parent).toContain(r.status);
      }
    });
    expect(existsSync(PWNED)).toBe(false);
  });

  it("file paths: traversal, absolute, .git in every spelling, control characters: 422 on read, write and delete, nothing written", async () => {
    const content = files.find((f) => f.rel === "api/kitchens/[k]/files/content/route.ts")!;
    const PATHS = ["../../etc/passwd", "/etc/passwd", "a/../../b", ".git/config", ".g\u200cit/config", "GIT~1/config", ".git./config", ".GIT/hooks/pre-commit", "a\\..\\b", "a\u0000b", "a\nb", "x/.git::$INDEX_ALLOCATION/y", "con.sql"];
    await expectNothingChanged("path payloads", async () => {
      for (const p of PATHS) {
        for (const [m, h] of content.handlers) {
          const q = `path=${encodeURIComponent(p)}&message=m`;
          const r = await call({ who: "padma@galley.local", f: content, m, h, query: m === "PUT" ? undefined : q, body: m === "PUT" ? { path: p, content: "[core]\n\thooksPath = /tmp\n", message: "m" } : undefined });
          expect(r.status, `${m} ${JSON.stringify(p)}: ${r.text}`).toBe(422);
        }
      }
    });
  });

  it("pipeline fields carrying SQL, shell and path payloads are data: validation answers, nothing runs, nothing changes", async () => {
    const validate = files.find((f) => f.rel === "api/kitchens/[k]/files/validate/route.ts")!;
    const yaml = [
      "name: \"x'; DROP TABLE runs;--\"",
      "nodes:",
      "  - id: \"$(touch /tmp/galley-attack-pwned)\"",
      "    type: container",
      "    image: \"busybox; touch /tmp/galley-attack-pwned\"",
      "    command: [\"sh\", \"-c\", \"touch /tmp/galley-attack-pwned\"]",
      "  - id: load",
      "    type: sql",
      "    sql_file: ../../../etc/passwd",
      "    depends_on: [\"`id`\"]",
    ].join("\n");
    await expectNothingChanged("pipeline payloads", async () => {
      const r = await call({ who: "padma@galley.local", f: validate, m: "POST", h: validate.handlers[0][1], body: { path: "pipelines/evil/pipeline.yaml", content: yaml } });
      expect(r.status, r.text).toBeLessThan(500);
      expect(r.text).toMatch(/error|message/i);
    });
    expect(existsSync(PWNED)).toBe(false);
  });

  it("run parameters and variable names carrying payloads: 404/422, no run, no variable", async () => {
    const runs = files.find((f) => f.rel === "api/kitchens/[k]/pipelines/[p]/runs/route.ts")!;
    const variable = files.find((f) => f.rel === "api/kitchens/[k]/variables/[name]/route.ts")!;
    await expectNothingChanged("parameter payloads", async () => {
      for (const parameters of [{ min_rows: "1; DROP TABLE runs" }, { "x'; DROP TABLE runs;--": 1 }, "$(id)", [1, 2]]) {
        const r = await call({ who: "padma@galley.local", f: runs, m: "POST", h: runs.handlers.find(([m]) => m === "POST")![1], body: { parameters } });
        expect([400, 404, 422], `${JSON.stringify(parameters)}: ${r.status} ${r.text}`).toContain(r.status);
      }
      for (const p of ["../demo", "demo; rm -rf /", "x'--"]) {
        const r = await call({ who: "padma@galley.local", f: runs, m: "POST", h: runs.handlers.find(([m]) => m === "POST")![1], url: runs.url.replace("/orders_daily/", `/${encodeURIComponent(p)}/`), params: { ...runs.params, p }, body: {} });
        expect([404, 422], `${p}: ${r.status} ${r.text}`).toContain(r.status);
      }
      for (const name of ["X'; DROP TABLE kitchen_variables;--", "../X", "$(id)", "a b"]) {
        const r = await call({ who: "padma@galley.local", f: variable, m: "PUT", h: variable.handlers.find(([m]) => m === "PUT")![1], url: `/api/kitchens/padma_feature/variables/${encodeURIComponent(name)}`, params: { k: "padma_feature", name }, body: { value: "x" } });
        expect([404, 422], `${name}: ${r.status} ${r.text}`).toContain(r.status);
      }
    });
    expect(existsSync(PWNED)).toBe(false);
    // A parameter called __proto__ is dropped by parsing: the run starts with its defaults and no
    // prototype is polluted.
    const r = await call({ who: "padma@galley.local", f: runs, m: "POST", h: runs.handlers.find(([m]) => m === "POST")![1], body: JSON.parse('{"parameters": {"__proto__": {"polluted": true}}}') });
    expect([201, 422], r.text).toContain(r.status);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (r.status === 201) {
      const run = await env.t.db.run.findUniqueOrThrow({ where: { id: JSON.parse(r.text).run.id } });
      expect(JSON.stringify(run.parameters)).not.toContain("polluted");
    }
  });
});

describe("attack: secret canaries", () => {
  it("never appear in any API answer, for any role; production's secret names only for production engineers and admins; never in the web log", async () => {
    const seen: { who: string; url: string; text: string }[] = [];
    for (const who of ["padma@galley.local", "chris@galley.local", "eric@galley.local", "maya@galley.local", "admin@galley.local"]) {
      for (const f of api()) {
        for (const [m, h] of f.handlers.filter(([x]) => x === "GET")) {
          for (const k of ["padma_feature", "dev", "production"]) {
            const target = f.params.k ? withK(f, k) : {};
            const envTarget = f.params.env ? { url: f.url.replace("/development", "/production"), params: { ...f.params, env: "production" } } : {};
            const r = await call({ who, f, m, h, ...target, ...envTarget });
            seen.push({ who, url: `${m} ${(target as { url?: string }).url ?? f.url}`, text: r.text });
            if (!f.params.k) break;
          }
        }
      }
    }
    expect(seen.length).toBeGreaterThan(50);
    for (const s of seen) {
      expect(s.text, `${s.who} ${s.url}`).not.toContain(PROD_CANARY);
      expect(s.text, `${s.who} ${s.url}`).not.toContain(DEV_CANARY);
      if (!["eric@galley.local", "admin@galley.local"].includes(s.who)) expect(s.text, `${s.who} ${s.url}`).not.toContain(PROD_SECRET_NAME);
    }
    // Eric does see the names of his vault (the rule allows it, so the check above can fail).
    expect(seen.some((s) => s.who === "eric@galley.local" && s.text.includes(PROD_SECRET_NAME))).toBe(true);
    const logged = log.join("");
    expect(logged).toContain("request"); // the capture works
    expect(logged).not.toContain(PROD_CANARY);
    expect(logged).not.toContain(DEV_CANARY);
  });
});
