// A Galley of its own for the pipelines and runs route tests: a migrated database with the demo
// organisation, a bare analytics repository in a temp dir with test pipelines on every Kitchen's
// branch, the vaults holding a pipeline secret LOADER_TOKEN, and signed-in sessions.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { AnalyticsRepo } from "@galley/git";
import { loadKeyring, setSecret } from "@galley/vault";
import { expect } from "vitest";

export const BASE = "http://galley.test";

export const TEST_PIPELINES: Record<string, string> = {
  "pipelines/demo/pipeline.yaml": `name: demo
description: Extract, load, report.
parameters:
  min_rows:
    default: 1
    description: Rows expected at least.
variations:
  quick:
    nodes: [extract]
nodes:
  - id: extract
    type: sql
    sql_file: extract.sql
  - id: load
    type: container
    depends_on: [extract]
    image: galley-runner:latest
    command: ["sh", "-c", "echo loading"]
    env:
      PGPASSWORD: "{{vault.LOADER_TOKEN}}"
  - id: report
    type: sql
    depends_on: [load]
    sql: "select {{params.min_rows}}"
`,
  "pipelines/demo/extract.sql": "select 1 where {{params.min_rows}} > 0;\n",
  "pipelines/broken/pipeline.yaml": `name: broken
nodes:
  - id: a
    type: sql
    sql: "select '{{run_id}}'"
`,
  "pipelines/needs_secret/pipeline.yaml": `name: needs_secret
nodes:
  - id: a
    type: container
    image: galley-runner:latest
    env:
      TOKEN: "{{vault.API_TOKEN}}"
`,
};

export interface RunsTestEnv {
  t: TestDatabase;
  dataDir: string;
  repo: AnalyticsRepo;
  cleanup(): Promise<void>;
}

export async function setUpRunsTestEnv(): Promise<RunsTestEnv> {
  const t = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "galley-web-runs-"));
  // Configuration is read once, lazily, on the first request: point it at this Galley.
  Object.assign(process.env, { DATABASE_URL: t.url, GALLEY_BASE_URL: BASE, GALLEY_DATA_DIR: dataDir, GALLEY_EXECUTOR: "local", LOG_LEVEL: "error" });
  const { seedDemo } = await import("../../../scripts/seed-demo");
  await seedDemo({ databaseUrl: t.url });
  const repo = await AnalyticsRepo.init(path.join(dataDir, "repo.git"), { defaultBranch: "production" });
  await repo.seed("production", TEST_PIPELINES, { name: "Test", email: "test@galley.local" }, "test pipelines");
  await repo.createBranch("dev", "production");
  await repo.createBranch("padma_feature", "dev");
  const keyring = loadKeyring({ kekFile: path.join(dataDir, "kek"), create: true });
  const admin = await t.db.user.findUniqueOrThrow({ where: { email: "admin@galley.local" } });
  for (const env of await t.db.environment.findMany()) {
    await setSecret({ db: t.db, keyring }, { environmentId: env.id, name: "LOADER_TOKEN", value: `${env.name}-s3cret-value`, actorId: admin.id });
  }
  return { t, dataDir, repo, cleanup: async () => ((await import("./run-hub")).closeRunHubs(), await t.drop(), rmSync(dataDir, { recursive: true, force: true })) };
}

export function req(p: string, init: RequestInit & { headers?: Record<string, string> } = {}): Request {
  return new Request(`${BASE}${p}`, { ...init, headers: { host: "galley.test", ...init.headers } });
}

export function postJson(p: string, body: unknown, headers: Record<string, string> = {}): Request {
  return req(p, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", origin: BASE, ...headers } });
}

const sessions = new Map<string, string>();

/** Session cookie headers for a demo user (signed in once per file). */
export async function as(email: string): Promise<Record<string, string>> {
  let token = sessions.get(email);
  if (!token) {
    const { POST } = await import("../app/api/auth/sign-in/route");
    const res = await POST(postJson("/api/auth/sign-in", { email, password: "galley-demo-2026" }));
    expect(res.status).toBe(200);
    token = /galley_session=([^;]+)/.exec(res.headers.get("set-cookie")!)![1];
    sessions.set(email, token);
  }
  return { cookie: `galley_session=${token}` };
}

export const params = <T extends Record<string, string>>(p: T) => ({ params: Promise.resolve(p) });
