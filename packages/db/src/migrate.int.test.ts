import { mkdtemp, mkdir, writeFile, cp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { migrate, MIGRATIONS_DIR } from "./migrate";
import { createScratchDatabase } from "./testing";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function scratch() {
  const d = await createScratchDatabase("mig");
  cleanups.push(d.drop);
  return d;
}

async function tmpMigrations(files: Record<string, string>) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "galley-mig-"));
  for (const [name, sql] of Object.entries(files)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

describe("migration runner", () => {
  it("applies the real migrations to a fresh database, then skips them on a re-run", async () => {
    const { url } = await scratch();
    const first = await migrate(url, MIGRATIONS_DIR);
    expect(first.applied.length).toBeGreaterThan(0);
    const second = await migrate(url, MIGRATIONS_DIR);
    expect(second.applied).toEqual([]);
    expect(second.skipped).toEqual(first.applied);
  });

  it("refuses an applied migration whose file was edited, naming it", async () => {
    const { url } = await scratch();
    const dir = await tmpMigrations({ "001_a": "CREATE TABLE a (id int);" });
    await migrate(url, dir);
    await writeFile(path.join(dir, "001_a", "migration.sql"), "CREATE TABLE a (id bigint);");
    await expect(migrate(url, dir)).rejects.toThrow(/001_a was edited after it was applied/);
  });

  it("rolls back a failing migration and records nothing for it", async () => {
    const { url } = await scratch();
    const dir = await tmpMigrations({ "001_ok": "CREATE TABLE ok (id int);", "002_bad": "CREATE TABLE bad (id int); SELECT nope FROM nowhere;" });
    await expect(migrate(url, dir)).rejects.toThrow(/002_bad failed/);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query("SELECT name FROM galley_migrations ORDER BY name");
    const bad = await c.query("SELECT to_regclass('bad') AS t");
    await c.end();
    expect(rows.map((r) => r.name)).toEqual(["001_ok"]);
    expect(bad.rows[0].t).toBeNull();
  });

  it("two concurrent runners apply each migration once", async () => {
    const { url } = await scratch();
    const dir = await tmpMigrations({ "001_a": "CREATE TABLE a (id int);", "002_b": "CREATE TABLE b (id int);" });
    const [x, y] = await Promise.all([migrate(url, dir), migrate(url, dir)]);
    expect([...x.applied, ...y.applied].sort()).toEqual(["001_a", "002_b"]);
  });
});
