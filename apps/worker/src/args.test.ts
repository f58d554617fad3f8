import { describe, expect, it } from "vitest";
import { flagsAsEnv } from "./args";

describe("worker flags", () => {
  it("maps --pool, --role and --concurrency to their variables, with or without =", () => {
    expect(flagsAsEnv(["--pool", "production", "--role=nodes", "--concurrency", "2"])).toEqual({
      GALLEY_WORKER_POOL: "production",
      GALLEY_WORKER_ROLE: "nodes",
      WORKER_CONCURRENCY: "2",
    });
  });
  it("ignores a -- separator passed through by pnpm", () => {
    expect(flagsAsEnv(["--", "--pool", "production"])).toEqual({ GALLEY_WORKER_POOL: "production" });
  });
  it("refuses unknown flags and flags without a value", () => {
    expect(() => flagsAsEnv(["--pol", "x"])).toThrow(/unknown flag/);
    expect(() => flagsAsEnv(["--pool"])).toThrow(/needs a value/);
  });
});
