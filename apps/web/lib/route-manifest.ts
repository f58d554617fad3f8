// The route manifest, generated from the file system: every route module under app/api and app/git,
// with a URL and parameters plausible enough to get past parsing. Shared by the manifest test
// (route-manifest.int.test.ts) and the attack suite (routes.attack.test.ts), so a new route file is
// attacked without touching either.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const APP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../app");
export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Route files allowed to use `auth: "none"` (relative to app/), and why. */
export const PUBLIC = new Set([
  "api/auth/sign-in/route.ts", // signing in
  "api/health/route.ts", // probes without credentials
  "api/auth/sign-out/route.ts", // clears a cookie, expired session or not
  "git/[...path]/route.ts", // Basic auth inside the handler (401 + WWW-Authenticate)
]);

/** A plausible value for each dynamic segment, so handlers get past parameter parsing. */
export const SEGMENT_VALUES: Record<string, string | string[]> = {
  k: "padma_feature", p: "orders_daily", id: "00000000-0000-4000-8000-000000000001", sha: "0".repeat(40),
  userId: "00000000-0000-4000-8000-000000000002", name: "SOME_NAME", env: "development", node: "n1", path: ["galley.git", "git-receive-pack"],
  test: "t1", pool: "default", schedule: "00000000-0000-4000-8000-000000000003", route: "00000000-0000-4000-8000-000000000004",
};

/** Valid bodies and queries, so a refusal cannot hide behind a 422 (keyed by "METHOD file"). */
export const FIXTURES: Record<string, { body?: unknown; query?: string }> = {
  "GET api/kitchens/[k]/files/content/route.ts": { query: "path=README.md" },
  "PUT api/kitchens/[k]/files/content/route.ts": { body: { path: "README.md", content: "x\n", message: "m" } },
  "DELETE api/kitchens/[k]/files/content/route.ts": { query: "path=README.md&message=m" },
  "POST api/kitchens/[k]/files/validate/route.ts": { body: { path: "README.md", content: "x\n" } },
  "POST api/kitchens/[k]/merge/preview/route.ts": { body: { direction: "down" } },
  "POST api/kitchens/[k]/merge/route.ts": { body: { direction: "down" } },
  "POST api/kitchens/[k]/pipelines/[p]/runs/route.ts": { body: {} },
  "POST api/kitchens/[k]/pipelines/[p]/tests/route.ts": { body: { node: "transform", test: { name: "t", metric: "duration", level: "log" } } },
  "POST api/kitchens/[k]/revert/route.ts": { body: {} },
  "PATCH api/kitchens/[k]/route.ts": { body: { description: "x" } },
  "DELETE api/kitchens/[k]/route.ts": { body: { confirm: "padma_feature" } },
  "POST api/kitchens/[k]/staff/route.ts": { body: { email: "maya@galley.local" } },
  "PUT api/kitchens/[k]/variables/[name]/route.ts": { body: { value: "x" } },
  "POST api/merges/[id]/resolve/route.ts": { body: { resolutions: {} } },
  "PUT api/environments/[env]/secrets/[name]/route.ts": { body: { value: "x" } },
  "POST api/kitchens/[k]/merge-requests/route.ts": { body: { title: "t" } },
  "POST api/kitchens/route.ts": { body: { name: "attack_child", parent: "padma_feature" } },
  "PUT api/kitchens/[k]/merge-rules/route.ts": { body: {} },
  "POST api/merge-requests/[id]/comments/route.ts": { body: { body: "x" } },
  "POST api/merge-requests/[id]/reviews/route.ts": { body: { verdict: "approved" } },
  "POST api/kitchens/[k]/alert-routes/route.ts": { body: { kind: "webhook", name: "attack", url: "https://example.com/hook" } },
  "PATCH api/kitchens/[k]/alert-routes/[id]/route.ts": { body: { enabled: false } },
  "POST api/kitchens/[k]/schedules/route.ts": { body: { name: "attack", pipeline: "orders_daily", cron: "0 6 * * 1" } },
  "PUT api/kitchens/[k]/schedules/[name]/route.ts": { body: { enabled: true } },
  "POST api/admin/worker-credentials/route.ts": { body: { pool: "default", name: "attack" } },
  "PUT api/admin/worker-pools/[pool]/route.ts": { body: { maxRunning: 64 } },
  "PUT api/admin/environments/[env]/pool/route.ts": { body: { pool: "default" } },
};

/** GET routes the policy opens to anyone who may `view` a Kitchen (not only its staff), and why. */
export const VIEW_READS = new Set([
  "api/kitchens/[k]/merge-requests/route.ts", // reviewing is open to whoever sees the Kitchen (packages/merge-requests)
]);

export type Handler = (req: Request, ctx?: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
export interface RouteFile { rel: string; url: string; params: Record<string, string | string[]>; source: string; handlers: [string, Handler][] }

function findRouteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return findRouteFiles(p);
    return e.name === "route.ts" ? [p] : [];
  });
}

export function urlAndParams(rel: string, values: Record<string, string | string[]> = SEGMENT_VALUES): { url: string; params: Record<string, string | string[]> } {
  const out: Record<string, string | string[]> = {};
  const parts = path.dirname(rel).split(path.sep).map((seg) => {
    const m = /^\[(?:\.\.\.)?(\w+)\]$/.exec(seg);
    if (!m) return seg;
    const v = values[m[1]];
    if (v === undefined) throw new Error(`${rel}: add a value for [${m[1]}] to SEGMENT_VALUES`);
    out[m[1]] = v;
    return Array.isArray(v) ? v.join("/") : encodeURIComponent(v);
  });
  return { url: `/${parts.join("/")}`, params: out };
}

/** Imports every route module (the caller has pointed the configuration at its test Galley first). */
export async function loadRouteFiles(): Promise<RouteFile[]> {
  const paths = [...findRouteFiles(path.join(APP, "api")), ...findRouteFiles(path.join(APP, "git"))];
  return Promise.all(paths.map(async (abs) => {
    const rel = path.relative(APP, abs);
    const mod = (await import(abs)) as Record<string, unknown>;
    const handlers = METHODS.filter((m) => typeof mod[m] === "function").map((m) => [m, mod[m] as Handler] as [string, Handler]);
    return { rel, ...urlAndParams(rel), source: readFileSync(abs, "utf8"), handlers };
  }));
}
