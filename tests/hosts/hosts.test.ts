// Issue 11, "Proof on this machine": three hosts (network namespaces, each with its own data
// directory, reaching PostgreSQL and Redis over a veth pair only), each running a worker with
// `--role nodes`: no repository, no shared disk. Runs are planned on this machine (the control
// plane) and executed on the hosts from what the run froze in PostgreSQL.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { connectRedis, createQueues } from "@galley/queue";
import { kekIdOf, kekIdOfSealed, keyringForPool, kitchenRolePassword, loadKeyring, openSecret, resolveGalleyCredentials, setEnvironmentPool, setSecret } from "@galley/vault";
import { openPoolKeys, revokeWorkerCredential } from "@galley/workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commit, run, waitForRun } from "../../apps/worker/src/testing";
import { setUpHostsGalley, sqlFanOut, waitUntil, type HostWorker, type HostsGalley } from "./helpers/hosts-galley";
import { netnsUnavailable } from "./helpers/netns";

const why = netnsUnavailable();
if (why) {
  if (process.env.CI === "true") throw new Error(`the hosts suite must run in CI, but network namespaces cannot be created: ${why}`);
  console.warn(`\n*** hosts suite SKIPPED: network namespaces cannot be created here (${why}) ***\n`);
}

let h: HostsGalley;
let a: HostWorker;
let b: HostWorker;
let p: HostWorker;
// Production's own key: the control plane (this process) holds it, and the production host receives
// it sealed in its production credential; the development hosts' credentials carry only the main key.
const productionKek = randomBytes(32).toString("base64");
const TOKEN = `prod-token-${randomBytes(8).toString("hex")}`;

async function nodeRows(runId: string) {
  return h.g.db.nodeRun.findMany({ where: { runId }, select: { nodeId: true, status: true, attempt: true, workerId: true, startedAt: true } });
}

/** Per node, how many times it finished successfully according to its log. */
async function finalResults(runId: string): Promise<Record<string, number>> {
  const rows = await h.g.db.$queryRaw<{ node_id: string; n: number }[]>`
    SELECT r.node_id, count(l.id)::int AS n FROM node_runs r LEFT JOIN node_logs l ON l.node_run_id = r.id AND l.line = '[galley] succeeded'
    WHERE r.run_id = ${runId}::uuid GROUP BY r.node_id`;
  return Object.fromEntries(rows.map((r) => [r.node_id, r.n]));
}

describe.skipIf(!!why)("worker hosts", () => {
  beforeAll(async () => {
    h = await setUpHostsGalley(3, { poolKeks: `production=${productionKek}` });
    await commit(h.g, "dev", { ...sqlFanOut("wide", 200, "select 1"), ...sqlFanOut("slow", 24, "select pg_sleep(2)") });
    await commit(h.g, "production", sqlFanOut("nightly", 12, "select length('{{vault.API_TOKEN}}')"));
    const controlPlane = { db: h.g.db, keyring: loadKeyring({ kek: h.kek, kekFile: "/nonexistent", create: false, poolKeks: `production=${productionKek}` }) };
    const prod = await h.g.db.environment.findUniqueOrThrow({ where: { name: "production" }, select: { id: true } });
    const admin = await h.g.db.user.findFirstOrThrow({ where: { role: "admin" }, select: { id: true } });
    await setEnvironmentPool(controlPlane, { environmentId: prod.id, pool: "production", actorId: admin.id });
    await setSecret(controlPlane, { environmentId: prod.id, name: "API_TOKEN", value: TOKEN, actorId: admin.id });
    [a, b, p] = await Promise.all([h.start(0, "default"), h.start(1, "default"), h.start(2, "production")]);
  }, 420_000);

  afterAll(async () => {
    await h?.teardown();
  }, 120_000);

  it("a 200-node run in dev spreads across the two default hosts and completes, each node once", async () => {
    const { runId } = await run(h.g, "dev", "wide");
    const r = await waitForRun(h.g.db, runId, 240_000);
    expect(r.status).toBe("succeeded");
    const rows = await nodeRows(runId);
    expect(rows).toHaveLength(200);
    expect(rows.every((n) => n.status === "succeeded" && n.attempt === 1)).toBe(true);
    expect(Object.values(await finalResults(runId)).every((n) => n === 1)).toBe(true);
    const byWorker = new Map<string, number>();
    for (const n of rows) byWorker.set(n.workerId!, (byWorker.get(n.workerId!) ?? 0) + 1);
    console.log(`200-node run: ${[...byWorker].map(([w, n]) => `${w === a.workerId ? "host0" : w === b.workerId ? "host1" : w}=${n}`).join(" ")}`);
    expect(new Set(byWorker.keys())).toEqual(new Set([a.workerId, b.workerId]));
    // Neither host has a repository or a key file: everything came from PostgreSQL.
    for (const w of [a, b, p]) expect(readdirSync(w.dataDir)).toEqual([]);
    expect(existsSync(path.join(h.g.dataDir, "repo.git"))).toBe(true);
  });

  it("a production run goes only to the production pool's host; the development hosts never receive its jobs, secrets or warehouse credentials", async () => {
    const { runId } = await run(h.g, "production", "nightly");
    expect((await h.g.db.run.findUniqueOrThrow({ where: { id: runId }, select: { pool: true } })).pool).toBe("production");
    const r = await waitForRun(h.g.db, runId, 120_000);
    expect(r.status).toBe("succeeded");
    const rows = await nodeRows(runId);
    expect(rows.every((n) => n.workerId === p.workerId)).toBe(true);
    // What reached each host: the development hosts' logs never name the run, their queue never held its jobs.
    expect(p.output.join("")).toContain(runId);
    for (const w of [a, b]) expect(w.output.join("")).not.toContain(runId);

    // Secrets and warehouse credentials: sealed with production's key, which the development hosts
    // do not hold, so even their key and their database access open nothing of production's.
    const prod = await h.g.db.environment.findUniqueOrThrow({ where: { name: "production" }, select: { id: true } });
    const sealed = await h.g.db.vaultSecret.findMany({ where: { environmentId: prod.id }, select: { name: true, version: true, ciphertext: true } });
    expect(sealed.map((s) => s.name)).toEqual(expect.arrayContaining(["API_TOKEN", "WAREHOUSE_PASSWORD"]));
    // What each host's credential carries: the development hosts the main key only, production its own key only.
    const wrapped = async (w: HostWorker) => (await h.g.db.workerCredential.findUniqueOrThrow({ where: { id: w.credential.id }, select: { wrappedKeys: true } })).wrappedKeys!;
    for (const w of [a, b]) expect(openPoolKeys(w.credential.token, w.credential.id, "default", await wrapped(w)).map((k) => k.toString("base64"))).toEqual([h.kek]);
    expect(openPoolKeys(p.credential.token, p.credential.id, "production", await wrapped(p)).map((k) => k.toString("base64"))).toEqual([productionKek]);
    const devHostKeyring = loadKeyring({ kek: h.kek, kekFile: "/nonexistent", create: false });
    const prodHostKeyring = loadKeyring({ kek: productionKek, kekFile: "/nonexistent", create: false });
    for (const s of sealed) {
      expect(kekIdOfSealed(s.ciphertext)).toBe(kekIdOf(Buffer.from(productionKek, "base64")));
      expect(() => openSecret(devHostKeyring, { environmentId: prod.id, name: s.name, version: s.version }, s.ciphertext)).toThrow(/not in the keyring/);
    }
    const warehousePassword = (await resolveGalleyCredentials({ db: h.g.db, keyring: prodHostKeyring }, { environmentId: prod.id })).WAREHOUSE_PASSWORD;
    const kitchenPassword = kitchenRolePassword(keyringForPool(prodHostKeyring, "production"), prod.id, "production");
    expect(kitchenRolePassword(devHostKeyring, prod.id, "production")).not.toBe(kitchenPassword);
    // The production host used them (its SQL rendered the token; it logged in as the Kitchen role)…
    const rendered = await h.g.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM node_logs l JOIN node_runs r ON r.id = l.node_run_id WHERE r.run_id = ${runId}::uuid AND l.line LIKE '%statement(s)%'`;
    expect(rendered[0].n).toBe(12);
    // …and none of them ever reached a development host's output or a log line.
    for (const w of [a, b]) for (const secret of [TOKEN, warehousePassword, kitchenPassword]) expect(w.output.join("")).not.toContain(secret);
    const leaked = await h.g.db.nodeLog.count({ where: { line: { contains: TOKEN } } });
    expect(leaked).toBe(0);
    const redis = await connectRedis(h.hosts.redisUrl, "producer");
    const queues = createQueues({ connection: redis, prefix: h.prefix });
    try {
      for (const n of rows) {
        expect(await queues.jobState("node.execute", `node:${runId}:${n.nodeId}:1`)).toBe("unknown");
        expect(await queues.jobState("node.execute", `node:${runId}:${n.nodeId}:1`, "production")).toBe("completed");
      }
    } finally {
      await queues.close();
      redis.disconnect();
    }
  });

  it("SIGKILL of one host's worker mid-run: the other host takes its nodes over within the lease and the run completes, one final result per node", async () => {
    const { runId } = await run(h.g, "dev", "slow");
    await waitUntil("host0 running nodes", async () => (await nodeRows(runId)).some((n) => n.status === "running" && n.workerId === a.workerId), 60_000);
    const orphaned = (await nodeRows(runId)).filter((n) => n.status === "running" && n.workerId === a.workerId).map((n) => n.nodeId);
    const killedAt = Date.now();
    a.child.kill("SIGKILL");
    expect((await a.exited).signal).toBe("SIGKILL");
    await waitUntil(
      "host1 took the killed host's nodes over",
      async () => (await nodeRows(runId)).filter((n) => orphaned.includes(n.nodeId)).every((n) => n.workerId === b.workerId),
      60_000,
      250,
    );
    const takeoverS = (Date.now() - killedAt) / 1000;
    console.log(`takeover of ${orphaned.length} node(s) after SIGKILL: ${takeoverS.toFixed(1)} s`);
    // Node lease 8 s, BullMQ stall detection ~10 s: within the lease plus one detection round.
    expect(takeoverS).toBeLessThan(25);
    const r = await waitForRun(h.g.db, runId, 180_000);
    expect(r.status).toBe("succeeded");
    const results = await finalResults(runId);
    expect(Object.keys(results)).toHaveLength(24);
    expect(Object.values(results).every((n) => n === 1)).toBe(true);
  });

  it("SIGTERM drains a worker: its running nodes finish on it, no new ones start on it", async () => {
    const c = await h.start(0, "default");
    const { runId } = await run(h.g, "dev", "slow");
    await waitUntil("the new host0 worker running nodes", async () => (await nodeRows(runId)).some((n) => n.status === "running" && n.workerId === c.workerId), 60_000);
    c.child.kill("SIGTERM");
    await waitUntil("worker draining", () => c.output.join("").includes('"worker draining"'), 10_000, 20);
    const drainingAt = new Date();
    const running = (await nodeRows(runId)).filter((n) => n.status === "running" && n.workerId === c.workerId).map((n) => n.nodeId);
    const exit = await c.exited;
    expect(exit.code).toBe(0);
    const afterExit = await nodeRows(runId);
    // Every node it had started finished on it, succeeded, first attempt.
    for (const id of running) expect(afterExit.find((n) => n.nodeId === id)).toMatchObject({ status: "succeeded", attempt: 1, workerId: c.workerId });
    expect(c.output.join("")).toContain('"worker drained: running nodes finished"');
    const r = await waitForRun(h.g.db, runId, 180_000);
    expect(r.status).toBe("succeeded");
    const mine = (await nodeRows(runId)).filter((n) => n.workerId === c.workerId);
    // Nothing started on it after it began draining (one second for the clock of the claim).
    for (const n of mine) expect(n.startedAt!.getTime()).toBeLessThanOrEqual(drainingAt.getTime() + 1_000);
    expect(Object.values(await finalResults(runId)).every((n) => n === 1)).toBe(true);
  });

  it("a host whose credential is revoked takes no new node, finishes its running ones and exits; the other host runs the rest", async () => {
    const d = await h.start(0, "default");
    const { runId } = await run(h.g, "dev", "slow");
    await waitUntil("both default hosts running nodes", async () => {
      const rows = await nodeRows(runId);
      return [b.workerId, d.workerId].every((w) => rows.some((n) => n.status === "running" && n.workerId === w));
    }, 60_000);
    const revokedAt = new Date();
    await revokeWorkerCredential({ db: h.g.db }, { credentialId: b.credential.id, actorId: null });
    const running = (await nodeRows(runId)).filter((n) => n.status === "running" && n.workerId === b.workerId).map((n) => n.nodeId);
    expect((await b.exited).code).toBe(78);
    expect(b.output.join("")).toContain("worker credential revoked: taking no new node, finishing the running ones, then exiting");
    const r = await waitForRun(h.g.db, runId, 180_000);
    expect(r.status).toBe("succeeded");
    const rows = await nodeRows(runId);
    for (const id of running) expect(rows.find((n) => n.nodeId === id)).toMatchObject({ status: "succeeded", workerId: b.workerId });
    for (const n of rows.filter((n) => n.workerId === b.workerId)) expect(n.startedAt!.getTime()).toBeLessThanOrEqual(revokedAt.getTime() + 1_000);
    expect(rows.every((n) => n.workerId === b.workerId || n.workerId === d.workerId)).toBe(true);
    expect(Object.values(await finalResults(runId)).every((n) => n === 1)).toBe(true);
  });
});
