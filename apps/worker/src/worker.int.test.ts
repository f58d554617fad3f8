import path from "node:path";
import { loadKeyring, setSecret } from "@galley/vault";
import pg from "pg";
import { kitchenRoleName } from "@galley/warehouse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commit, logsOf, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun, type WorkerEnv } from "./testing";

let g: WorkerEnv;
let worker: ReturnType<typeof startWorker>;
const DEV_SECRET = "leak-canary-Yq3p9Zr7-2026";

async function tablesIn(schema: string, database: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${database}` });
  await c.connect();
  const { rows } = await c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1", [schema]);
  await c.end();
  return rows.map((r) => r.table_name);
}

beforeAll(async () => {
  g = await setUpGalley("docker");
  worker = startWorker(g);
}, 180_000);

afterAll(async () => {
  if (worker) await stopWorker(worker);
  if (g) await tearDownGalley(g);
});

describe("worker with the Docker executor", () => {
  it("runs the demo pipeline in dev, a developer Kitchen and production, each in its own schema", async () => {
    for (const [kitchen, db] of [["dev", `${g.whPrefix}_dev`], ["padma_feature", `${g.whPrefix}_dev`], ["production", `${g.whPrefix}_prod`]] as const) {
      const { runId } = await run(g, kitchen, "orders_daily");
      const r = await waitForRun(g.db, runId);
      expect(r.status, `${kitchen}: ${JSON.stringify(r.nodes)}\n${worker.output.join("").slice(-2000)}`).toBe("succeeded");
      expect(r.nodes.summary.outputs, `${kitchen}: ${await logsOf(g.db, runId)}`).toEqual({ orders: 3, revenue: 215.75, top_region: "north" });
      expect(await tablesIn(kitchen, db)).toEqual(expect.arrayContaining(["orders_clean", "raw_orders", "summary_history"]));
    }
    // padma_feature's own pipeline wrote its own tables: dev's views were not touched, and dev's
    // customers view in padma_feature still reads dev's data.
    expect(await tablesIn("padma_feature", `${g.whPrefix}_dev`)).not.toContain("customers");
  }, 150_000); // three runs, six containers (each with a network endpoint) and the worker's boot on a busy machine

  it("never shows a vault secret: plain, split, base64 or in the compiled pipeline", async () => {
    const development = await g.db.environment.findUniqueOrThrow({ where: { name: "development" } });
    const admin = await g.db.user.findUniqueOrThrow({ where: { email: "admin@galley.local" } });
    const keyring = loadKeyring({ kekFile: path.join(g.dataDir, "kek"), create: false });
    await setSecret({ db: g.db, keyring }, { environmentId: development.id, name: "LEAK_CANARY", value: DEV_SECRET, actorId: admin.id });
    await commit(g, "padma_feature", {
      "pipelines/leak/pipeline.yaml": [
        "name: leak",
        "nodes:",
        "  - id: print",
        "    type: container",
        "    image: galley-runner:latest",
        "    command: [sh, -c, 'echo \"pw=$PW\"; printf %s \"$PW\" | head -c 9; printf %s \"$PW\" | tail -c +10; echo; printf %s \"$PW\" | base64']",
        "    env: { PW: \"{{vault.LEAK_CANARY}}\" }",
      ].join("\n"),
    });
    const { runId } = await run(g, "padma_feature", "leak");
    const r = await waitForRun(g.db, runId);
    expect(r.status).toBe("succeeded");
    const logs = await logsOf(g.db, runId);
    expect(logs).toContain("pw=***");
    expect(logs).not.toContain(DEV_SECRET);
    expect(logs).not.toContain(Buffer.from(DEV_SECRET).toString("base64"));
    const stored = await g.db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(JSON.stringify(stored.compiled)).not.toContain(DEV_SECRET);
  });

  it("fails a node that exits non-zero, shows why, and skips what depends on it", async () => {
    const { runId } = await run(g, "dev", "smoke_test", { parameters: { expect_regions: 7 } });
    // smoke_test reads orders_clean, which the first test built in dev.
    const r = await waitForRun(g.db, runId);
    expect(r.status).toBe("failed");
    expect(r.nodes.check.status).toBe("failed");
    expect(r.nodes.check.error).toMatch(/exited with code 1/);
    expect(await logsOf(g.db, runId)).toContain("region count mismatch: expected 7");
  });

  it("times out a node and cancels a running run, stopping its container", async () => {
    await commit(g, "padma_feature", {
      "pipelines/slow/pipeline.yaml": [
        "name: slow",
        "nodes:",
        "  - id: nap",
        "    type: container",
        "    image: galley-runner:latest",
        "    command: [sleep, '3600']",
        "    timeout: '{{params.t}}'",
        "parameters:",
        "  t: { default: 2s }",
      ].join("\n").replace("'{{params.t}}'", "2s"),
      "pipelines/slow2/pipeline.yaml": ["name: slow2", "nodes:", "  - id: nap", "    type: container", "    image: galley-runner:latest", "    command: [sleep, '3600']"].join("\n"),
    });
    const t0 = Date.now();
    const timed = await run(g, "padma_feature", "slow");
    const r1 = await waitForRun(g.db, timed.runId);
    expect(r1.nodes.nap.status).toBe("timed_out");
    expect(Date.now() - t0).toBeLessThan(15_000);

    const { cancelRun } = await import("@galley/runs");
    const long = await run(g, "padma_feature", "slow2");
    for (let i = 0; i < 100; i++) {
      const n = await g.db.nodeRun.findFirstOrThrow({ where: { runId: long.runId } });
      if (n.status === "running" && (await logsOf(g.db, long.runId)).includes("attempt 1")) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const c0 = Date.now();
    await cancelRun(g.db, long.runId);
    for (let i = 0; i < 100; i++) {
      const n = await g.db.nodeRun.findFirstOrThrow({ where: { runId: long.runId } });
      if (n.status === "cancelled") break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const n = await g.db.nodeRun.findFirstOrThrow({ where: { runId: long.runId } });
    expect(n.status).toBe("cancelled");
    expect(Date.now() - c0).toBeLessThan(8_000);
  });
});

describe("a Kitchen's nodes run as its own warehouse role", () => {
  it("denies RESET ROLE into Galley's user, other Kitchens' schemas and COPY TO PROGRAM, while its own schema works", async () => {
    const sql = (id: string, text: string) => [`  - id: ${id}`, "    type: sql", "    sql: |", `      ${text}`];
    const psql = (id: string, text: string) => [`  - id: ${id}`, "    type: container", "    image: galley-runner:latest", `    command: [psql, -v, ON_ERROR_STOP=1, -c, "${text}"]`];
    await commit(g, "padma_feature", {
      "pipelines/escape/pipeline.yaml": [
        "name: escape",
        "nodes:",
        ...sql("reset_role", "RESET ROLE; CREATE TABLE dev.escaped (id int);"),
        ...sql("write_dev", "INSERT INTO dev.orders_clean SELECT * FROM dev.orders_clean;"),
        ...sql("program", "COPY (SELECT 1) TO PROGRAM 'true';"),
        ...sql("own", "CREATE TABLE own_sql AS SELECT 1 AS x;"),
        ...psql("psql_other", "RESET ROLE; CREATE TABLE dev.escaped_psql (id int)"),
        ...psql("psql_own", "CREATE TABLE own_psql AS SELECT current_user AS u"),
      ].join("\n"),
    });
    const { runId } = await run(g, "padma_feature", "escape");
    const r = await waitForRun(g.db, runId);
    const logs = await logsOf(g.db, runId);
    expect(r.nodes.reset_role, logs).toMatchObject({ status: "failed", error: expect.stringMatching(/permission denied for schema dev/) });
    expect(r.nodes.write_dev).toMatchObject({ status: "failed", error: expect.stringMatching(/permission denied for (schema dev|table orders_clean)/) });
    expect(r.nodes.program).toMatchObject({ status: "failed", error: expect.stringMatching(/permission denied|superuser/) });
    expect(r.nodes.own.status).toBe("succeeded");
    expect(r.nodes.psql_other.status).toBe("failed");
    expect(logs).toMatch(/permission denied for schema dev/);
    expect(r.nodes.psql_own.status, logs).toBe("succeeded");
    const dev = `${g.whPrefix}_dev`;
    expect(await tablesIn("dev", dev)).not.toEqual(expect.arrayContaining(["escaped"]));
    expect(await tablesIn("dev", dev)).not.toContain("escaped_psql");
    expect(await tablesIn("padma_feature", dev)).toEqual(expect.arrayContaining(["own_sql", "own_psql"]));
    const c = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${dev}` });
    await c.connect();
    const who = await c.query("SELECT u FROM padma_feature.own_psql");
    await c.end();
    expect(who.rows).toEqual([{ u: kitchenRoleName("padma_feature", dev) }]);
  });
});

describe("the compiled pipeline", () => {
  it("shows the run's own id wherever {{run.id}} is used", async () => {
    const { runId } = await run(g, "dev", "orders_daily");
    const stored = await g.db.run.findUniqueOrThrow({ where: { id: runId } });
    const compiled = JSON.stringify((stored.compiled as { compiled: unknown }).compiled);
    expect(compiled).toContain(`galley orders_daily ${runId}`);
    await waitForRun(g.db, runId);
  });
});
