import { describe, expect, it } from "vitest";
import { reservedNameProblem, ZCreateKitchenInput } from "./schemas";

describe("reserved Kitchen names", () => {
  it.each(["pg_probe", "pg_catalog", "pg_toast", "galley_k_dev", "galley_internal", "information_schema", "public"])("refuses %s with a reason", (name) => {
    expect(reservedNameProblem(name)).toMatch(/reserved|already has/);
    const r = ZCreateKitchenInput.safeParse({ name, parent: "dev" });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(["name"]);
  });
  it.each(["padma_feature", "pgx", "pg", "galley", "publicity", "my_pg_probe"])("accepts %s", (name) => {
    expect(reservedNameProblem(name)).toBeNull();
    expect(ZCreateKitchenInput.safeParse({ name, parent: "dev" }).success).toBe(true);
  });
});
