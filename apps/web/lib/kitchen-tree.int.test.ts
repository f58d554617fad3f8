// The home page's Kitchen tree against a real database: bounded with 60 children under dev,
// paged by name (page 2 starts where page 1 ended), private Kitchens hidden, and a Kitchen made
// by another process (a direct insert) shown once its NOTIFY reloads the process's directory.
import type { AuthUser } from "@galley/auth";
import { TREE_CHILD_LIMIT } from "@galley/kitchens";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let t: TestDatabase;
let padma: AuthUser;
let view: typeof import("./read-models/kitchens").kitchenTreeViewFor;

beforeAll(async () => {
  t = await createTestDatabase();
  Object.assign(process.env, { DATABASE_URL: t.url, GALLEY_BASE_URL: "http://galley.test", LOG_LEVEL: "error" });
  const user = await t.db.user.create({ data: { email: "padma@tree.test", name: "Padma", role: "developer", passwordHash: "x" } });
  padma = { id: user.id, email: user.email, name: user.name, role: "developer" };
  const env = await t.db.environment.create({ data: { name: "development", kind: "development", warehouseHost: "127.0.0.1", warehouseDb: "x", warehouseUser: "x" } });
  await t.db.$executeRaw`
    INSERT INTO kitchens (id, name, branch, schema_name, environment_id, is_private)
    SELECT gen_random_uuid(), n, n, n, ${env.id}::uuid, n = 'k_07'
    FROM (SELECT 'production' AS n UNION ALL SELECT 'dev' UNION ALL SELECT 'k_' || lpad(i::text, 2, '0') FROM generate_series(0, 59) i) s`;
  await t.db.$executeRaw`UPDATE kitchens SET parent_id = (SELECT id FROM kitchens WHERE name = 'production') WHERE name = 'dev'`;
  await t.db.$executeRaw`UPDATE kitchens SET parent_id = (SELECT id FROM kitchens WHERE name = 'dev') WHERE name LIKE 'k\\_%'`;
  view = (await import("./read-models/kitchens")).kitchenTreeViewFor;
});
afterAll(async () => ((await import("./run-hub")).closeRunHubs(), await t?.drop()));

describe("the home page's Kitchen tree", () => {
  it("shows at most TREE_CHILD_LIMIT children under dev and counts the rest behind 'more'", async () => {
    const v = await view(padma, {});
    if (v.mode !== "tree") throw new Error(v.mode);
    const dev = v.roots[0].children[0];
    expect(dev.kitchen.name).toBe("dev");
    expect(dev.children).toHaveLength(TREE_CHILD_LIMIT);
    expect(dev.moreChildren).toBe(59 - TREE_CHILD_LIMIT); // 60 children, k_07 private
  });

  it("pages dev's children: page 2 starts after page 1's last, and together they hold every visible child once", async () => {
    const one = await view(padma, { under: "dev" });
    if (one.mode !== "children") throw new Error(one.mode);
    expect(one.kitchens).toHaveLength(50);
    expect(one.nextCursor).toBe(one.kitchens[49].name);
    const two = await view(padma, { under: "dev", after: one.nextCursor! });
    if (two.mode !== "children") throw new Error(two.mode);
    expect(two.kitchens.map((k) => k.name)).toEqual(["k_51", "k_52", "k_53", "k_54", "k_55", "k_56", "k_57", "k_58", "k_59"]);
    expect(two.nextCursor).toBeNull();
    const all = [...one.kitchens, ...two.kitchens].map((k) => k.name);
    expect(new Set(all).size).toBe(59);
    expect(all).not.toContain("k_07");
  });

  it("searches by name", async () => {
    const v = await view(padma, { q: "K_5" });
    if (v.mode !== "search") throw new Error(v.mode);
    expect(v.kitchens.map((k) => k.name)).toEqual(["k_50", "k_51", "k_52", "k_53", "k_54", "k_55", "k_56", "k_57", "k_58", "k_59"]);
  });

  it("shows a Kitchen another process made once PostgreSQL tells this one (NOTIFY galley_kitchens)", async () => {
    await view(padma, {}); // the directory is loaded and trusted from here on
    await t.db.$executeRaw`
      INSERT INTO kitchens (id, name, branch, schema_name, environment_id, parent_id)
      SELECT gen_random_uuid(), 'k_99', 'k_99', 'k_99', environment_id, id FROM kitchens WHERE name = 'dev'`;
    const found = async () => {
      const v = await view(padma, { q: "k_99" });
      return v.mode === "search" && v.kitchens.length === 1;
    };
    // Without the notification the copy would be trusted for 60 s.
    let seen = await found();
    for (let i = 0; i < 100 && !seen; i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await found();
    }
    expect(seen).toBe(true);
  });
});
