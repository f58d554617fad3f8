import { describe, expect, it } from "vitest";
import { poolsWithoutWorkers } from "./worker-pools";

describe("pools without workers", () => {
  it("names each pool an environment uses that has no live worker; draining ones do not count", () => {
    expect(poolsWithoutWorkers([{ pool: "default", environments: ["development"], liveWorkers: 2, drainingWorkers: 0 }])).toBeNull();
    expect(
      poolsWithoutWorkers([
        { pool: "default", environments: ["development"], liveWorkers: 1, drainingWorkers: 0 },
        { pool: "production", environments: ["production"], liveWorkers: 0, drainingWorkers: 1 },
        { pool: "spare", environments: [], liveWorkers: 0, drainingWorkers: 0 },
      ]),
    ).toBe("no live worker in pool production (environment production: their runs wait)");
  });
});
