import { uniq } from "@galley/db/testing";
import { connFromUrl, kitchenRoleName, openWarehouse } from "@galley/warehouse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKitchen } from "./create-kitchen";
import { deleteKitchen } from "./delete-kitchen";
import { createKitchenFixture, traces, type KitchenFixture } from "./testing/fixture";

let f: KitchenFixture;
beforeAll(async () => {
  f = await createKitchenFixture();
});
afterAll(() => f?.cleanup());

describe("a Kitchen's LOGIN role", () => {
  it("is created with the Kitchen, owns its schema, logs in, can only write its own schema, and goes with it", async () => {
    const name = uniq("rolek");
    const role = kitchenRoleName(name, connFromUrl(f.urls.development).database);
    await createKitchen(f.deps, { name, parent: "dev" }, f.users.padma);
    expect(await traces(f, name)).toMatchObject({ schema: true, role: true });
    const attrs = await f.wh.development.query<Record<string, unknown>>(`SELECT rolcanlogin, rolsuper, rolinherit FROM pg_roles WHERE rolname = $1`, [role]);
    expect(attrs.rows[0]).toEqual({ rolcanlogin: true, rolsuper: false, rolinherit: true });
    // A member of nothing: it reads the parent only through the views in its schema.
    const member = await f.wh.development.query<{ g: string }>(`SELECT b.rolname AS g FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid JOIN pg_roles a ON a.oid = m.member WHERE a.rolname = $1`, [role]);
    expect(member.rows).toEqual([]);
    const owner = await f.wh.development.query<{ o: string }>(`SELECT pg_get_userbyid(nspowner) AS o FROM pg_namespace WHERE nspname = $1`, [name]);
    expect(owner.rows[0].o).toBe(role);

    const { kitchenRolePassword } = await f.deps.warehouses.forEnvironment(f.env.development);
    expect(kitchenRolePassword).toBeDefined();
    const conn = { ...connFromUrl(f.urls.development), user: role, password: kitchenRolePassword!(name) };
    const as = openWarehouse(conn);
    try {
      // Its views read the parent (with the parent's reader role's rights); the parent itself is closed to it.
      expect((await as.query(`SELECT * FROM "${name}".customers LIMIT 1`)).rowCount).toBe(1);
      await expect(as.query(`SELECT * FROM dev.customers LIMIT 1`)).rejects.toThrow(/permission denied for schema dev/);
      await as.query(`CREATE TABLE "${name}".mine (id int)`);
      await expect(as.query(`RESET ROLE; CREATE TABLE dev.evil (id int)`)).rejects.toThrow(/permission denied for schema dev/);
    } finally {
      await as.close();
    }

    await deleteKitchen(f.deps, { name, confirm: name }, f.users.padma);
    expect(await traces(f, name)).toMatchObject({ schema: false, role: false });
  });
});

