import { describe, expect, it } from "vitest";
import { analyzeScript } from "./sql-targets";
import { lineOfPosition, splitStatements, tokenize } from "./sql-tokenize";

const targets = (sql: string) => analyzeScript(sql).targets.map((t) => [t.kind, t.schema ?? null, t.name]);

describe("analyzeScript", () => {
  it("finds DML targets, quoted or not, qualified or not", () => {
    expect(targets(`INSERT INTO orders VALUES (1); update "My ""Odd"" Table" set a = 1; DELETE FROM ONLY s.t WHERE x`)).toEqual([
      ["insert", null, "orders"],
      ["update", null, 'My "Odd" Table'],
      ["delete", "s", "t"],
    ]);
    expect(targets(`TRUNCATE TABLE a, ONLY "B" *, c.d`)).toEqual([
      ["truncate", null, "a"],
      ["truncate", null, "B"],
      ["truncate", "c", "d"],
    ]);
    expect(targets(`insert into Db.Sch.Tab select 1`)).toEqual([["insert", "sch", "tab"]]);
  });

  it("finds DDL targets", () => {
    expect(
      targets(`DROP TABLE IF EXISTS x, y CASCADE;
        CREATE TABLE IF NOT EXISTS x AS SELECT * FROM src;
        create unlogged table z (a int);
        ALTER TABLE IF EXISTS ONLY x ADD COLUMN b int;
        CREATE OR REPLACE VIEW v AS SELECT 1;
        CREATE VIEW w AS SELECT 1;
        DROP MATERIALIZED VIEW m;
        CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON ONLY x (a);
        SELECT a, b INTO newt FROM x;
        COPY x (a) FROM STDIN;
        COPY x TO STDOUT;`),
    ).toEqual([
      ["drop-table", null, "x"],
      ["drop-table", null, "y"],
      ["create-table", null, "x"],
      ["create-table", null, "z"],
      ["alter", null, "x"],
      ["replace-view", null, "v"],
      ["create-view", null, "w"],
      ["drop-view", null, "m"],
      ["create-index", null, "x"],
      ["select-into", null, "newt"],
      ["copy", null, "x"],
    ]);
  });

  it("ignores reads, temp tables, locking clauses, upserts and privileges", () => {
    expect(
      targets(`SELECT * FROM t FOR UPDATE;
        SELECT * FROM t FOR NO KEY UPDATE OF t;
        INSERT INTO a VALUES (1) ON CONFLICT (id) DO UPDATE SET v = 2;
        GRANT SELECT, UPDATE, DELETE ON t TO r;
        CREATE TEMP TABLE tmp AS SELECT 1;
        SELECT 'INSERT INTO fake' AS s; -- DELETE FROM fake2
        /* UPDATE fake3 SET /* nested */ x */ SELECT $q$ DROP TABLE fake4 $q$`),
    ).toEqual([["insert", null, "a"]]);
  });

  it("finds writes inside CTEs, MERGE and DO blocks, and flags dynamic SQL", () => {
    expect(targets(`WITH d AS (DELETE FROM old RETURNING *), u AS (UPDATE cur SET x = 1 RETURNING *) INSERT INTO log SELECT * FROM d`)).toEqual([
      ["delete", null, "old"],
      ["update", null, "cur"],
      ["insert", null, "log"],
    ]);
    expect(targets(`MERGE INTO tgt USING src ON tgt.id = src.id WHEN MATCHED THEN UPDATE SET v = src.v WHEN NOT MATCHED THEN INSERT VALUES (src.id)`)).toEqual([
      ["merge", null, "tgt"],
    ]);
    const a = analyzeScript(`DO $body$ BEGIN IF true THEN UPDATE inner_t SET a = 1; END IF; TRUNCATE t2; END $body$`);
    expect(a.targets.map((t) => t.name)).toEqual(["inner_t", "t2"]);
    expect(a.dynamic).toBe(false);
    expect(analyzeScript(`DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'x'; END $$`).dynamic).toBe(true);
    expect(analyzeScript(`CALL refresh_all()`).dynamic).toBe(true);
  });

  it("notes whether a name was mentioned before its first write", () => {
    const a = analyzeScript(`DROP TABLE IF EXISTS a; CREATE TABLE a AS SELECT 1; CREATE TABLE keep AS SELECT * FROM b; DROP TABLE b`);
    expect(a.targets.map((t) => [t.name, t.mentionedBefore])).toEqual([
      ["a", false],
      ["a", true],
      ["keep", false],
      ["b", true],
    ]);
  });

  it("rejects transaction control but allows savepoints and BEGIN ATOMIC bodies", () => {
    expect(analyzeScript(`SELECT 1; COMMIT; BEGIN; ROLLBACK; END`).transactionControl.map((t) => t.keyword)).toEqual(["COMMIT", "BEGIN", "ROLLBACK", "END"]);
    expect(analyzeScript(`SAVEPOINT a; SELECT 1; ROLLBACK TO SAVEPOINT a; RELEASE a`).transactionControl).toEqual([]);
    const fn = analyzeScript(`CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN x > 0 THEN 1 END; SELECT 2; END; SELECT f(1)`);
    expect(fn.transactionControl).toEqual([]);
    expect(fn.statements).toBe(2);
  });
});

describe("tokenizer", () => {
  it("handles E-strings, doubled quotes and dollar tags", () => {
    const toks = tokenize(`SELECT E'it\\'s; ok', 'a''b;', $tag$ ; $$ ; $tag$, $1; SELECT 2`);
    expect(splitStatements(toks)).toHaveLength(2);
  });

  it("maps a character position to a line, counting characters not bytes", () => {
    const sql = "SELECT 'é😀';\nSELECT 1;\n  SELEC 2";
    const pos = Array.from(sql).indexOf("S", 20) + 1;
    expect(lineOfPosition(sql, pos)).toEqual({ line: 3, column: 3 });
  });
});
