// Finding 1 of issue 7: a container node of a development Kitchen tries to get past its warehouse
// role over the network — PostgreSQL as the superuser (127.0.0.1 and the gateway), the production
// warehouse, Galley's metadata database, Redis, the web app, the Docker API — and each attempt is
// refused, with nothing changed. Real worker, real Docker engine, the runner image, the demo seed.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { DockerExecutor, nodeNetworkSettings } from "@galley/executor";
import { createKitchen, EnvironmentWarehouses, warehouseSchemas } from "@galley/kitchens";
import { loadKeyring } from "@galley/vault";
import { hostAddresses, parseProbes, startTokenServer, TCP_PROBE_JS } from "../../packages/executor/src/testing/tcp-probe";
import { commit, logsOf, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun, type WorkerEnv } from "../../apps/worker/src/testing";
import { connectRedis, type Redis } from "@galley/queue";

const net = nodeNetworkSettings();
const REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const refused = /^(ECONNREFUSED|ECONNRESET)$/;

let g: WorkerEnv;
let worker: ReturnType<typeof startWorker>;
let web: Awaited<ReturnType<typeof startTokenServer>>;
let dockerApi: Awaited<ReturnType<typeof startTokenServer>> | undefined;
let redis: Redis;
// A development Kitchen of our own: roles are cluster-wide, and other test files' seeded
// padma_feature would reset galley_k_padma_feature's password under us.
const kitchen = `atk_net_${randomBytes(3).toString("hex")}`;
/** Its role: galley_k_<schema>, or galley_k_<6-hex database hash>_<schema> where names carry the database. */
const roleRe = `^galley_k_([0-9a-f]{6}_)?${kitchen}$`;
const canaryKey = `galley:attack:${randomBytes(6).toString("hex")}`;

async function query<T extends pg.QueryResultRow>(database: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:5432/${database}` });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

/** What an attacker would change: production's data and tables, the metadata tables, a Redis key. */
async function snapshot() {
  const prod = `${g.whPrefix}_prod`;
  return {
    prodCustomers: await query(prod, "SELECT count(*)::int AS n, md5(string_agg(t::text, ',' ORDER BY t::text)) AS h FROM production.customers t"),
    prodTables: await query(prod, "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"),
    metaTables: await query(g.t.name, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"),
    metaUsers: await query(g.t.name, "SELECT count(*)::int AS n, md5(string_agg(email || role, ',' ORDER BY email)) AS h FROM users"),
    // Other test files create roles all the time: only superusers and our Kitchen's own role.
    roles: await query("postgres", `SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolsuper OR rolname ~ '${roleRe}' ORDER BY 1`),
    redisCanary: await redis.get(canaryKey),
  };
}

beforeAll(async () => {
  g = await setUpGalley("docker");
  web = await startTokenServer("WEB-APP-ANSWERED"); // like `next start`: every interface
  // Something answering where a Docker TCP API would (2375), so "refused" is the firewall's doing.
  dockerApi = await startTokenServer("DOCKER-API-ANSWERED", 2375).catch(() => undefined);
  redis = await connectRedis(REDIS, "producer");
  await redis.set(canaryKey, "untouched", "EX", 600);
  const padma = await g.db.user.findUniqueOrThrow({ where: { email: "padma@galley.local" } });
  const keyring = loadKeyring({ kekFile: path.join(g.dataDir, "kek") });
  const warehouses = new EnvironmentWarehouses(g.db, { keyring: () => keyring, applicationName: "galley-test" });
  try {
    await createKitchen({ db: g.db, git: g.repo, warehouses, schemas: warehouseSchemas }, { name: kitchen, parent: "dev" }, { id: padma.id, email: padma.email, name: padma.name, role: "developer" });
  } finally {
    await warehouses.closeAll();
  }
  worker = startWorker(g);
}, 180_000);

afterAll(async () => {
  if (worker) await stopWorker(worker);
  await web?.close();
  await dockerApi?.close();
  await redis?.del(canaryKey).catch(() => {});
  redis?.disconnect();
  if (g) {
    await tearDownGalley(g);
    for (const r of await query<{ rolname: string }>("postgres", `SELECT rolname FROM pg_roles WHERE rolname ~ '${roleRe}'`)) {
      await query("postgres", `DROP ROLE IF EXISTS "${r.rolname}"`).catch(() => {});
    }
  }
});

describe("a development Kitchen's container node on Galley's network", () => {
  it("reaches its warehouse as its own role, and nothing else: superuser, production, metadata, Redis, web app, Docker API all refused, nothing changed", async () => {
    const prod = `${g.whPrefix}_prod`;
    const before = await snapshot();
    const hosts = hostAddresses([net.gateway]); // eth0, docker0: the host under its other names
    const targets = [
      `${net.gateway}:6379`, "127.0.0.1:6379", ...hosts.map((h) => `${h}:6379`),
      `${net.gateway}:${web.port}`, `127.0.0.1:${web.port}`, ...hosts.map((h) => `${h}:${web.port}`),
      `${net.gateway}:2375`, ...hosts.map((h) => `${h}:2375`),
    ];
    const psql = (id: string, env: Record<string, string>, sql: string) => [
      `  - id: ${id}`, "    type: container", "    image: galley-runner:latest",
      `    command: [psql, -w, -v, ON_ERROR_STOP=1, -tAc, ${JSON.stringify(sql)}]`,
      `    env: ${JSON.stringify(env)}`,
    ];
    await commit(g, kitchen, {
      "pipelines/net_attack/probe.js": TCP_PROBE_JS.replace("process.argv.slice(1)", "process.argv.slice(2)"),
      "pipelines/net_attack/pipeline.yaml": [
        "name: net_attack",
        "nodes:",
        ...psql("own_role", {}, "select current_user || ' from ' || inet_client_addr()"),
        ...psql("super_gateway", { PGUSER: "postgres", PGPASSWORD: "", PGDATABASE: prod }, "create table production.pwned_gw as select * from production.customers"),
        ...psql("super_loopback", { PGHOST: "127.0.0.1", PGUSER: "postgres", PGPASSWORD: "", PGDATABASE: prod }, "create table production.pwned_lo as select 1"),
        ...psql("prod_as_own_role", { PGDATABASE: prod }, "select count(*) from production.customers"),
        ...psql("prod_write_as_own_role", { PGDATABASE: prod }, "create table production.pwned_own (x int)"),
        ...psql("meta_super", { PGUSER: "postgres", PGPASSWORD: "", PGDATABASE: g.t.name }, "update public.users set role = 'admin'"),
        ...psql("meta_as_own_role", { PGDATABASE: g.t.name }, "select email, password_hash from public.users"),
        ...psql("meta_galley_db", { PGDATABASE: "galley" }, "select 1"),
        "  - id: probes",
        "    type: container",
        "    image: galley-runner:latest",
        "    files: [probe.js]",
        `    command: [sh, -c, 'if [ -e /var/run/docker.sock ]; then echo SOCKET present; else echo SOCKET absent; fi; exec node /galley/files/probe.js "$@"', probe, ${targets.map((t) => JSON.stringify(t)).join(", ")}]`,
      ].join("\n"),
    });
    const { runId } = await run(g, kitchen, "net_attack");
    const r = await waitForRun(g.db, runId, 200_000);
    const logs = await logsOf(g.db, runId);
    const nodeLogs = async (nodeId: string) => (await g.db.nodeLog.findMany({ where: { nodeRun: { runId, nodeId } }, orderBy: { id: "asc" }, select: { line: true } })).map((l) => l.line).join("\n");

    // Its own warehouse, as its own role, from the node subnet (PGHOST is the gateway).
    expect(r.nodes.own_role.status, logs).toBe("succeeded");
    expect(await nodeLogs("own_role")).toMatch(new RegExp(`${roleRe.slice(0, -1)} from 172\\.29\\.213\\.\\d+/32$`, "m"));

    // The superuser from the node subnet: pg_hba refuses it before any password question.
    expect(r.nodes.super_gateway.status).toBe("failed");
    expect(await nodeLogs("super_gateway")).toMatch(/pg_hba\.conf rejects connection for host "172\.29\.213\.\d+", user "postgres"/);
    // 127.0.0.1 inside the container is the container itself.
    expect(r.nodes.super_loopback.status).toBe("failed");
    expect(await nodeLogs("super_loopback")).toMatch(/connection to server at "127\.0\.0\.1", port 5432 failed: Connection refused/);
    // The production warehouse with the dev Kitchen's own credentials: no read, no write.
    expect(r.nodes.prod_as_own_role.status).toBe("failed");
    expect(await nodeLogs("prod_as_own_role")).toMatch(/permission denied for schema production|permission denied for database|pg_hba\.conf rejects/);
    expect(r.nodes.prod_write_as_own_role.status).toBe("failed");
    // Galley's metadata database: the superuser refused, the Kitchen role reads nothing.
    expect(r.nodes.meta_super.status).toBe("failed");
    expect(await nodeLogs("meta_super")).toMatch(/pg_hba\.conf rejects connection .* user "postgres"/);
    expect(r.nodes.meta_as_own_role.status).toBe("failed");
    expect(await nodeLogs("meta_as_own_role")).toMatch(/permission denied for table users|permission denied for database|pg_hba\.conf rejects/);
    expect(r.nodes.meta_galley_db.status).toBe("failed");
    expect(await nodeLogs("meta_galley_db")).toMatch(/pg_hba\.conf rejects connection .* database "galley"/);

    // Redis, the web app and the Docker API: no TCP connection gets through; no socket mounted.
    expect(r.nodes.probes.status, logs).toBe("succeeded");
    const probeOut = await nodeLogs("probes");
    expect(probeOut).toContain("SOCKET absent");
    const p = parseProbes(probeOut);
    if (process.env.GALLEY_SHOW_PROBES) console.log(probeOut);
    for (const t of targets) expect(p[t], `${t}\n${probeOut}`).toMatch(t.startsWith("127.0.0.1:") ? /^ECONNREFUSED$/ : refused);
    expect(web.connections()).toBe(0);
    expect(dockerApi?.connections() ?? 0).toBe(0);

    expect(await snapshot()).toEqual(before);
    expect(before.redisCanary).toBe("untouched");
  }, 240_000); // nine containers; 90 s measured under load average 30

  it("an environment cannot be put on the host network, and a node given host mode is refused before it starts", async () => {
    const env = await g.db.environment.findFirstOrThrow({ where: { name: "development" } });
    expect(env.networkMode).toBe("galley");
    await expect(g.db.$executeRawUnsafe(`UPDATE environments SET network_mode = 'host' WHERE id = '${env.id}'::uuid`)).rejects.toThrow(/environments_network_mode_check/);
    await expect(g.db.environment.create({ data: { name: `host_${randomBytes(3).toString("hex")}`, kind: "development", warehouseHost: "127.0.0.1", warehouseDb: "x", warehouseUser: "x", networkMode: "host" } })).rejects.toThrow(/environments_network_mode_check|check constraint/);
    const executor = new DockerExecutor();
    const lines: string[] = [];
    const res = await executor.run(
      { runId: `attack-${randomBytes(4).toString("hex")}`, nodeId: "host_mode", attempt: 1, image: "galley-runner:latest", command: ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "select 1"], env: {}, files: [], timeoutMs: 30_000, networkMode: "host", secrets: [] },
      { onLog: (_s, l) => lines.push(l) },
    );
    expect(res).toMatchObject({ status: "failed", error: expect.stringMatching(/^network mode host is not allowed/) });
    expect(lines).toEqual([]);
  });
});
