// Worker credentials (issue 11): a worker starts only with a live credential of its own pool, gets
// its pool's vault keys through it (no GALLEY_KEK here), and once revoked takes no new node,
// finishes its running ones and exits. Real PostgreSQL, Redis and worker processes.
import path from "node:path";
import { loadKeyring } from "@galley/vault";
import { generateToken, issueWorkerCredential, revokeWorkerCredential } from "@galley/workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commit, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun, type WorkerEnv } from "./testing";

let g: WorkerEnv;
const workers: ReturnType<typeof startWorker>[] = [];

function fanOut(name: string, n: number, sql: string): Record<string, string> {
  const lines = [`name: ${name}`, "nodes:"];
  for (let i = 1; i <= n; i++) lines.push(`  - id: n${String(i).padStart(2, "0")}`, "    type: sql", `    sql: "${sql}"`);
  return { [`pipelines/${name}/pipeline.yaml`]: lines.join("\n") + "\n" };
}

async function until(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 120_000) {
  for (const end = Date.now() + timeoutMs; !(await fn()); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A worker host: `--role nodes`, no GALLEY_KEK (its keys come with its credential). */
function host(token: string | undefined, pool = "default", concurrency = 2) {
  const w = startWorker(g, { env: { GALLEY_WORKER_CREDENTIAL: token, GALLEY_KEK: undefined }, args: ["--role", "nodes", "--pool", pool, "--concurrency", String(concurrency)] });
  workers.push(w);
  return w;
}

const exited = (w: ReturnType<typeof startWorker>) =>
  w.exitCode !== null ? Promise.resolve(w.exitCode) : new Promise<number | null>((r) => w.once("exit", (code) => r(code)));

beforeAll(async () => {
  g = await setUpGalley("local");
  await commit(g, "dev", fanOut("slowish", 8, "select pg_sleep(2)"));
}, 180_000);

afterAll(async () => {
  for (const w of workers) await stopWorker(w, "SIGKILL");
  if (g) await tearDownGalley(g);
});

const controlPlane = () => ({ db: g.db, keyring: loadKeyring({ kekFile: path.join(g.dataDir, "kek"), create: false }) });

describe("worker credentials", () => {
  it("a worker with no credential, an unknown one or another pool's refuses to start", async () => {
    const prod = await issueWorkerCredential(controlPlane(), { pool: "production", name: "prod host", actorId: null });
    const none = host(undefined);
    const wrong = host(generateToken());
    const otherPool = host(prod.token, "default");
    expect(await Promise.all([exited(none), exited(wrong), exited(otherPool)])).toEqual([1, 1, 1]);
    expect(none.output.join("")).toContain("no worker credential");
    expect(wrong.output.join("")).toContain("worker credential not recognised");
    expect(otherPool.output.join("")).toContain(`is for pool production: it cannot serve pool default`);
    // The refusals never echo a token.
    expect(otherPool.output.join("")).not.toContain(prod.token);
    expect(await g.db.workerHeartbeat.count({ where: { credentialId: prod.id } })).toBe(0);
  });

  it("issued: the worker registers and runs nodes with its pool's keys; revoked: no new node, its running nodes finish, it exits", async () => {
    const cred = await issueWorkerCredential(controlPlane(), { pool: "default", name: "host a", actorId: null });
    const a = host(cred.token);
    await until("worker a started", () => a.output.join("").includes('"worker started"'));
    const row = await g.db.workerHeartbeat.findFirstOrThrow({ where: { credentialId: cred.id }, select: { workerId: true, pool: true, version: true, role: true } });
    expect(row).toMatchObject({ pool: "default", role: "nodes" });
    expect(row.version).not.toBe("");

    const { runId } = await run(g, "dev", "slowish");
    const nodes = () => g.db.nodeRun.findMany({ where: { runId }, select: { nodeId: true, status: true, workerId: true, startedAt: true, finishedAt: true } });
    await until("two nodes running on worker a", async () => (await nodes()).filter((n) => n.status === "running").length === 2);
    const running = (await nodes()).filter((n) => n.status === "running").map((n) => n.nodeId);

    const revokedAt = new Date();
    const r = await revokeWorkerCredential({ db: g.db }, { credentialId: cred.id, actorId: null });
    expect(r).toMatchObject({ alreadyRevoked: false, workers: 1 });
    expect(await exited(a)).toBe(78);
    const out = a.output.join("");
    expect(out).toContain("worker credential revoked: taking no new node, finishing the running ones, then exiting");
    expect(out).toContain('"worker exited: its credential was revoked"');
    const after = await nodes();
    // The nodes it was running finished on it (SQL read WAREHOUSE_PASSWORD through keys from its credential)…
    for (const id of running) expect(after.find((n) => n.nodeId === id)).toMatchObject({ status: "succeeded", workerId: row.workerId });
    // …and nothing started on it after the revocation (one second of slack for the clocks of the claim).
    for (const n of after.filter((n) => n.workerId === row.workerId)) expect(n.startedAt!.getTime()).toBeLessThanOrEqual(revokedAt.getTime() + 1_000);
    expect(after.some((n) => n.status === "queued")).toBe(true);
    console.log(`revoked worker: ${out.includes("job handed back") ? "handed a dequeued job back" : "stopped at its heartbeat before taking another job"}`);

    // The same credential cannot start a worker again; a new one finishes the run.
    const again = host(cred.token);
    expect(await exited(again)).toBe(1);
    expect(again.output.join("")).toContain("was revoked");
    const b = host((await issueWorkerCredential(controlPlane(), { pool: "default", name: "host b", actorId: null })).token, "default", 4);
    const done = await waitForRun(g.db, runId, 120_000);
    expect(done.status).toBe("succeeded");
    await stopWorker(b);
    // The revoked worker's row stays, for the admin page.
    expect(await g.db.workerHeartbeat.findUnique({ where: { workerId: row.workerId }, select: { stoppedAt: true } })).toMatchObject({ stoppedAt: expect.any(Date) });
  });
});
