import type { AuthUser } from "@galley/auth";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getEnvironmentForUser } from "./get-environment";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.db.environment.create({ data: { name: "production", kind: "production", warehouseHost: "127.0.0.1", warehouseDb: "w", warehouseUser: "u", pool: "prod" } });
  await t.db.workerHeartbeat.createMany({
    data: [
      { workerId: "a", hostname: "h", pid: 1, pool: "prod" },
      { workerId: "b", hostname: "h", pid: 2, pool: "prod", draining: true },
      { workerId: "c", hostname: "h", pid: 3, pool: "prod", beatAt: new Date(Date.now() - 3_600_000) },
      { workerId: "d", hostname: "h", pid: 4, pool: "other" },
    ],
  });
});
afterAll(() => t?.drop());

const as = (role: AuthUser["role"]): AuthUser => ({ id: "00000000-0000-0000-0000-000000000001", email: "x@x", name: "X", role });

describe("the environment page's read model", () => {
  it("counts its pool's live and draining workers, not stale ones or other pools'", async () => {
    const v = await getEnvironmentForUser({ db: t.db, staleMs: 60_000 }, as("production"), "production");
    expect(v?.env).toMatchObject({ name: "production", kind: "production", pool: "prod" });
    expect(v?.pool).toEqual({ liveWorkers: 1, drainingWorkers: 1 });
  });

  it("lists the vault's names for production engineers, not for developers (nor the right to manage it)", async () => {
    const eng = await getEnvironmentForUser({ db: t.db, staleMs: 60_000 }, as("production"), "production");
    expect(eng).toMatchObject({ mayListSecrets: true, mayManageVault: true, mayManageWorkers: false });
    expect(await getEnvironmentForUser({ db: t.db, staleMs: 60_000 }, as("admin"), "production")).toMatchObject({ mayManageWorkers: true });
    const dev = await getEnvironmentForUser({ db: t.db, staleMs: 60_000 }, as("developer"), "production");
    expect(dev).toMatchObject({ mayListSecrets: false, mayManageVault: false, secrets: [] });
  });

  it("answers null for an environment that does not exist", async () => {
    expect(await getEnvironmentForUser({ db: t.db, staleMs: 60_000 }, as("admin"), "nope")).toBeNull();
  });
});
