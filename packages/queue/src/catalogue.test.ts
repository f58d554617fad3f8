import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromBullJobId, JOB_NAMES, JOBS, toBullJobId } from "./catalogue";
import { jobOptions, parsePayload, resolveJobId } from "./queues";
import { runWithTimeout } from "./timeout";

const runId = randomUUID();

describe("job catalogue", () => {
  it("accepts a node.execute payload of ids and derives node:<runId>:<nodeId>:<attempt>", () => {
    const p = parsePayload("node.execute", { runId, nodeId: "load_orders", attempt: 2 });
    expect(resolveJobId("node.execute", p)).toBe(`node:${runId}:load_orders:2`);
  });

  it.each([
    ["missing nodeId", { runId, attempt: 1 }, /nodeId/],
    ["not a uuid", { runId: "r1", nodeId: "a", attempt: 1 }, /runId/],
    ["data smuggled in", { runId, nodeId: "a", attempt: 1, sql: "select 1" }, /sql|unrecognized/i],
    ["a secret smuggled in", { runId, nodeId: "a", attempt: 1, env: { PASSWORD: "x" } }, /env|unrecognized/i],
    ["bad node id", { runId, nodeId: "A B", attempt: 1 }, /nodeId/],
    ["fractional attempt", { runId, nodeId: "a", attempt: 1.5 }, /attempt/],
  ])("rejects %s as invalid_input", (_what, payload, message) => {
    expect(() => parsePayload("node.execute", payload)).toThrow(message);
    try {
      parsePayload("node.execute", payload);
    } catch (e) {
      expect(e).toMatchObject({ code: "invalid_input", field: "payload" });
    }
  });

  it("rejects unknown jobs and requires an explicit id when the catalogue has none", () => {
    expect(() => parsePayload("nope" as "run.reconcile", {})).toThrow(/unknown job/);
    expect(() => parsePayload("run.reconcile", { x: 1 })).toThrow(/invalid run.reconcile payload/);
    expect(() => resolveJobId("run.reconcile", {})).toThrow(/explicit jobId/);
    expect(resolveJobId("run.reconcile", {}, "reconcile:1")).toBe("reconcile:1");
  });

  it("gives every job a queue, attempts and a timeout, and reserves no delayMs payload key", () => {
    for (const name of JOB_NAMES) {
      const def = JOBS[name];
      expect(def.queue).toMatch(/^[a-z][a-z.-]*$/);
      expect(def.attempts).toBeGreaterThanOrEqual(1);
      expect(def.timeoutMs).toBeGreaterThan(0);
      expect(JSON.stringify(Object.keys((def.payload as unknown as { shape: object }).shape))).not.toContain("delayMs");
    }
  });

  it("builds BullMQ options from the catalogue", () => {
    const o = jobOptions("node.execute", `node:${runId}:a:1`, 1500);
    expect(o).toMatchObject({ attempts: 3, backoff: { type: "exponential", delay: 1000 }, delay: 1500 });
    expect(o.jobId).not.toContain(":");
    expect(jobOptions("run.reconcile", "r", 0)).not.toHaveProperty("delay");
  });

  it("encodes job ids for BullMQ injectively and reversibly", () => {
    const ids = [`node:${runId}:a:1`, "a%3Ab", "a:b", "a%b", "plain", "%25:%"];
    const encoded = ids.map(toBullJobId);
    expect(new Set(encoded).size).toBe(ids.length);
    for (const e of encoded) expect(e).not.toContain(":");
    expect(encoded.map(fromBullJobId)).toEqual(ids);
  });
});

describe("runWithTimeout", () => {
  it("aborts the signal and rejects when time is up", async () => {
    const c = new AbortController();
    let seen: AbortSignal | undefined;
    await expect(runWithTimeout(30, c, (signal) => ((seen = signal), new Promise(() => {})))).rejects.toThrow(/timed out after 30 ms/);
    expect(seen?.aborted).toBe(true);
  });

  it("returns the handler's result in time", async () => {
    await expect(runWithTimeout(1000, new AbortController(), async () => 7)).resolves.toBe(7);
  });
});

describe("worker pools", () => {
  it("gives node.execute one queue per pool; default keeps the plain name", async () => {
    const { queueFor, poolOfQueue } = await import("./catalogue");
    expect(queueFor("node.execute")).toBe("nodes");
    expect(queueFor("node.execute", "default")).toBe("nodes");
    expect(queueFor("node.execute", "production")).toBe("nodes-production");
    // Jobs that are not pooled ignore the pool.
    expect(queueFor("alert.deliver", "production")).toBe("alert-deliveries");
    expect(poolOfQueue("node.execute", "nodes")).toBe("default");
    expect(poolOfQueue("node.execute", "nodes-production")).toBe("production");
    expect(poolOfQueue("node.execute", "nodes-default")).toBeNull();
    expect(poolOfQueue("node.execute", "nodes-Bad:pool")).toBeNull();
    expect(poolOfQueue("node.execute", "alerts")).toBeNull();
    expect(poolOfQueue("alert.deliver", "alert-deliveries-production")).toBeNull();
    expect(() => queueFor("node.execute", "Prod:1")).toThrow(/pool name/);
  });
});
