import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing";

// The data model the generated client was built from: Prisma embeds it in the client.
function clientDataModel(): { models: Record<string, { dbName: string | null; fields: { name: string; kind: string; dbName?: string }[] }> } {
  const src = readFileSync(path.join(import.meta.dirname, "generated/internal/class.ts"), "utf8");
  const m = src.match(/config\.runtimeDataModel = JSON\.parse\(("(?:[^"\\]|\\.)*")\)/);
  if (!m) throw new Error("runtimeDataModel not found in the generated client: regenerate it (scripts/prisma-generate.sh)");
  return JSON.parse(JSON.parse(m[1]));
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe("migrations produce what the Prisma client expects", () => {
  it("every model's table and scalar column exists", async () => {
    const model = clientDataModel();
    const c = new pg.Client({ connectionString: t.url });
    await c.connect();
    const { rows } = await c.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'",
    );
    await c.end();
    const columns = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
    const missing: string[] = [];
    for (const [name, m] of Object.entries(model.models)) {
      const table = m.dbName ?? name;
      for (const f of m.fields) if (f.kind !== "object" && !columns.has(`${table}.${f.dbName ?? f.name}`)) missing.push(`${name}.${f.name} (${table}.${f.dbName ?? f.name})`);
    }
    expect(Object.keys(model.models).length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it("every model can be queried through the client", async () => {
    const model = clientDataModel();
    for (const name of Object.keys(model.models)) {
      const delegate = (t.db as unknown as Record<string, { findFirst(): Promise<unknown>; count(): Promise<number> }>)[name[0].toLowerCase() + name.slice(1)];
      expect(delegate, name).toBeDefined();
      await delegate.findFirst();
      expect(await delegate.count()).toBe(0);
    }
  });

  it("writes and reads back related rows, and the audit log refuses updates", async () => {
    const user = await t.db.user.create({ data: { email: "a@x.test", name: "A", role: "developer", passwordHash: "x" } });
    const env = await t.db.environment.create({ data: { name: "development", kind: "development", warehouseHost: "h", warehouseDb: "d", warehouseUser: "u" } });
    const k = await t.db.kitchen.create({ data: { name: "dev", branch: "dev", environmentId: env.id, schemaName: "dev", staff: { create: { userId: user.id, isOwner: true } } } });
    const run = await t.db.run.create({ data: { kitchenId: k.id, pipeline: "p", commit: "abc", status: "queued", trigger: "manual", nodes: { create: { nodeId: "a", type: "sql", status: "pending", remainingDeps: 0 } } } });
    const back = await t.db.run.findUniqueOrThrow({ where: { id: run.id }, include: { nodes: true, kitchen: { include: { staff: true } } } });
    expect(back.nodes[0].nodeId).toBe("a");
    expect(back.kitchen.staff[0].userId).toBe(user.id);
    const a = await t.db.auditLog.create({ data: { action: "kitchen.create", target: "kitchen:dev", actorId: user.id } });
    await expect(t.db.auditLog.update({ where: { id: a.id }, data: { action: "x" } })).rejects.toThrow(/append-only/);
  });
});
