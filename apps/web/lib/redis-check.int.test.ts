// The RESP client and the eviction check, against the shared Redis and a throwaway evicting one.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertNoEviction, redisCommands, redisEvictionPolicy } from "./redis-check";

const SHARED = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
let lru: ChildProcess | undefined;
let lruUrl = "";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  lru = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory-policy", "allkeys-lru", "--requirepass", "s3cret"], { stdio: "ignore" });
  lruUrl = `redis://:s3cret@127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await redisCommands(lruUrl, [["PING"]], 200).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("throwaway redis-server did not start");
});
afterAll(() => {
  lru?.kill();
});

describe("redis-check", () => {
  it("talks RESP: pipelined commands, bulk strings and arrays", async () => {
    const key = `galley:test:${process.pid}:${Date.now()}`;
    const replies = await redisCommands(SHARED, [["SET", key, "héllo\r\nworld"], ["GET", key], ["RPUSH", `${key}:l`, "a", "b"], ["LRANGE", `${key}:l`, "0", "-1"], ["DEL", key, `${key}:l`]]);
    expect(replies).toEqual(["OK", "héllo\r\nworld", 2, ["a", "b"], 2]);
  });

  it("passes the shared Redis (noeviction)", async () => {
    expect(await redisEvictionPolicy(SHARED)).toBe("noeviction");
    await expect(assertNoEviction(SHARED)).resolves.toBeUndefined();
  });

  it("refuses an evicting Redis with a message that says how to fix it", async () => {
    await expect(assertNoEviction(lruUrl)).rejects.toThrow(/maxmemory-policy is allkeys-lru; Galley needs noeviction.*CONFIG SET maxmemory-policy noeviction/);
  });

  it("authenticates from the URL and reports a wrong password", async () => {
    await expect(redisCommands(lruUrl.replace("s3cret", "wrong"), [["PING"]])).rejects.toThrow(/WRONGPASS|invalid password/i);
  });

  it("fails fast when nothing listens", async () => {
    const port = await freePort();
    await expect(redisCommands(`redis://127.0.0.1:${port}`, [["PING"]], 500)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
