import { createServer, type AddressInfo, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { schemaExists } from "./catalog";
import { metric, runSql } from "./run-sql";
import { scratchWarehouse, type ScratchWarehouse } from "./testing/scratch";
import { connFromUrl, openWarehouse } from "./warehouse";

let s: ScratchWarehouse;
beforeAll(async () => {
  s = await scratchWarehouse("sql");
  await s.wh.query(`CREATE SCHEMA a; CREATE SCHEMA b; CREATE SCHEMA "Q""uote; x"`);
});
afterAll(() => s.cleanup());

const where = async (table: string) =>
  (await s.wh.query<{ s: string }>(`SELECT table_schema AS s FROM information_schema.tables WHERE table_name = $1 ORDER BY 1`, [table])).rows.map((r) => r.s);

describe("runSql", () => {
  it("isolates by search_path: CREATE TABLE x in A lands in A, not B", async () => {
    const r = await runSql(s.wh, { schema: "a", sql: `CREATE TABLE x AS SELECT 1 AS v; INSERT INTO x VALUES (2), (3); SELECT * FROM x`, timeoutMs: 5000 });
    expect(r).toMatchObject({ statements: 3, rowCounts: [1, 2, 3] });
    expect(await where("x")).toEqual(["a"]);
    await runSql(s.wh, { schema: "b", sql: `CREATE TABLE x (w text)`, timeoutMs: 5000 });
    expect(await where("x")).toEqual(["a", "b"]);
  });

  it("stops a statement at the timeout, even when the SQL lifts statement_timeout itself", async () => {
    const t0 = Date.now();
    const err = await runSql(s.wh, { schema: "a", sql: `SELECT pg_sleep(5)`, timeoutMs: 300 }).catch((e) => e);
    expect(err).toMatchObject({ code: "invalid_input", details: { sqlstate: "57014" } });
    expect(err.message).toMatch(/timed out after 300 ms/);
    expect(Date.now() - t0).toBeLessThan(3000);
    const t1 = Date.now();
    const err2 = await runSql(s.wh, { schema: "a", sql: `SET statement_timeout = 0; SELECT pg_sleep(10)`, timeoutMs: 300 }).catch((e) => e);
    expect(err2.details.sqlstate).toBe("57014");
    expect(Date.now() - t1).toBeLessThan(5000);
  });

  it("reports a syntax error with its line, and nothing of the script persists", async () => {
    const sql = `CREATE TABLE partial (a int);\n\nINSERT INTO partial VALUES (1);\n  SELEC 3;`;
    const err = await runSql(s.wh, { schema: "a", sql, timeoutMs: 5000, source: "pipelines/p/load.sql" }).catch((e) => e);
    expect(err).toMatchObject({ code: "invalid_input", field: "pipelines/p/load.sql:4", details: { sqlstate: "42601", line: 4, column: 3 } });
    expect(err.message).toBe(`syntax error at or near "SELEC" (line 4)`);
    const err2 = await runSql(s.wh, { schema: "a", sql: `CREATE TABLE partial (a int);\nSELECT nope FROM partial;`, timeoutMs: 5000 }).catch((e) => e);
    expect(err2).toMatchObject({ field: "sql:2", details: { sqlstate: "42703", line: 2 } });
    expect(await where("partial")).toEqual([]);
  });

  it("refuses transaction control, passes notices, and returns row counts", async () => {
    await expect(runSql(s.wh, { schema: "a", sql: `SELECT 1;\nCOMMIT;`, timeoutMs: 5000 })).rejects.toMatchObject({ code: "invalid_input", field: "sql:2" });
    const notices: string[] = [];
    const r = await runSql(s.wh, {
      schema: "a",
      sql: `DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$; CREATE TABLE n AS SELECT g FROM generate_series(1, 5) g; DELETE FROM n WHERE g > 3`,
      timeoutMs: 5000,
      onNotice: (m) => notices.push(m),
    });
    expect(notices).toEqual(["hello 42"]);
    expect(r.rowCounts).toEqual([null, 5, 2]);
    expect(await runSql(s.wh, { schema: "a", sql: `-- nothing\n`, timeoutMs: 5000 })).toMatchObject({ statements: 0 });
  });

  it("counts a big SELECT's rows in the server and maps errors inside queries to their line", async () => {
    const before = process.memoryUsage().heapUsed;
    const r = await runSql(s.wh, { schema: "a", sql: `SELECT 1;\nSELECT g, repeat('x', 100) FROM generate_series(1, 2000000) g`, timeoutMs: 20_000 });
    expect(r.rowCounts).toEqual([1, 2000000]);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50_000_000);
    const err = await runSql(s.wh, { schema: "a", sql: `SELECT 1;\n\nWITH t AS (SELECT 1 AS v) SELECT nope FROM t;`, timeoutMs: 5000 }).catch((e) => e);
    expect(err).toMatchObject({ field: "sql:3", details: { sqlstate: "42703", line: 3, column: 34 } });
  });

  it("quotes schema names with quotes and semicolons", async () => {
    await runSql(s.wh, { schema: `Q"uote; x`, sql: `CREATE TABLE "T" AS SELECT 1 AS v`, timeoutMs: 5000 });
    expect(await where("T")).toEqual([`Q"uote; x`]);
    expect(await metric(s.wh, { schema: `Q"uote; x`, sql: `SELECT sum(v) FROM "T"` })).toBe(1);
    expect(await schemaExists(s.wh, "b")).toBe(true);
  });
});

describe("metric", () => {
  it("returns one number from a scalar query, read-only", async () => {
    expect(await metric(s.wh, { schema: "a", sql: `SELECT count(*) FROM x` })).toBe(3);
    expect(await metric(s.wh, { schema: "a", sql: `SELECT avg(v)::numeric(10,2) FROM x` })).toBe(2);
    await expect(metric(s.wh, { schema: "a", sql: `SELECT max(v) FROM x WHERE false` })).rejects.toThrow(/NULL/);
    await expect(metric(s.wh, { schema: "a", sql: `SELECT 1; SELECT 2` })).rejects.toThrow(/exactly one/);
    await expect(metric(s.wh, { schema: "a", sql: `SELECT 'abc'` })).rejects.toThrow(/not a number/);
    await expect(metric(s.wh, { schema: "a", sql: `WITH d AS (DELETE FROM x RETURNING 1) SELECT count(*) FROM d` })).rejects.toMatchObject({
      details: { sqlstate: "25006" },
    });
  });
});

describe("openWarehouse", () => {
  it("pings, and names the warehouse and the reason when it is down", async () => {
    expect((await s.wh.ping()).version).toMatch(/^PostgreSQL/);
    const down = openWarehouse({ ...connFromUrl(s.url), port: 1 });
    try {
      const err = await down.ping().catch((e) => e);
      expect(err).toMatchObject({ code: "unavailable" });
      expect(err.message).toMatch(/^warehouse 127\.0\.0\.1:1\/galley_t_sql_[0-9a-f]+ is unreachable: .*ECONNREFUSED/);
      await expect(runSql(down, { schema: "a", sql: "SELECT 1", timeoutMs: 1000 })).rejects.toMatchObject({ code: "unavailable" });
    } finally {
      await down.close();
    }
  });

  it("gives up connecting after about 3 seconds", async () => {
    // A listener that accepts TCP connections and never answers: a hung warehouse.
    const sockets: Socket[] = [];
    const hole = createServer((sock) => sockets.push(sock));
    await new Promise<void>((r) => hole.listen(0, "127.0.0.1", r));
    const port = (hole.address() as AddressInfo).port;
    const slow = openWarehouse({ host: "127.0.0.1", port, database: "x", user: "x" });
    const t0 = Date.now();
    try {
      const err = await slow.ping().catch((e) => e);
      expect(err).toMatchObject({ code: "unavailable" });
      expect(err.message).toMatch(new RegExp(`^warehouse 127\\.0\\.0\\.1:${port}/x is unreachable: .*timeout`));
      expect(Date.now() - t0).toBeGreaterThan(2500);
      expect(Date.now() - t0).toBeLessThan(4500);
    } finally {
      await slow.close();
      sockets.forEach((x) => x.destroy());
      hole.close();
    }
  });
});
