// The demo's Redis asks for a password, and web, worker and queue connect with the URL that
// scripts/galley-redis.sh prints (the same one demo.sh exports as REDIS_URL).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@galley/db/testing";
import { assertNoEviction, connectRedis } from "@galley/queue";

const ROOT = path.resolve(import.meta.dirname, "..");
let dataDir: string;
let port: number;
let url: string;
let t: TestDatabase;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

const script = () => execFileSync("bash", [path.join(ROOT, "scripts/galley-redis.sh"), dataDir, String(port)], { stdio: ["ignore", "pipe", "pipe"] }).toString().trim();
const pid = () => Number(readFileSync(path.join(dataDir, "redis/redis.pid"), "utf8").trim());

/** Boots the real worker against `redisUrl`; resolves with its output once it started or exited. */
function bootWorker(redisUrl: string): Promise<{ started: boolean; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "apps/worker/src/main.ts")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: t.url, REDIS_URL: redisUrl, GALLEY_DATA_DIR: dataDir, GALLEY_EXECUTOR: "local", GALLEY_QUEUE_PREFIX: `galley-t-redis-${process.pid}`, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), 120_000);
    const finish = (started: boolean) => {
      clearTimeout(timer);
      child.kill("SIGTERM");
      resolve({ started, output });
    };
    const onData = (d: Buffer) => {
      output += String(d);
      if (output.includes("worker started")) finish(true);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", () => finish(output.includes("worker started")));
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "galley-redis-"));
  port = await freePort();
  url = script();
  t = await createTestDatabase();
}, 60_000);

afterAll(async () => {
  try {
    process.kill(pid(), "SIGTERM");
  } catch {
    // already gone
  }
  await t?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("scripts/galley-redis.sh", () => {
  it("starts a Redis that refuses commands without the password, keeps the password in a 0600 file and off the command line", async () => {
    expect(url).toMatch(new RegExp(`^redis://:[A-Za-z0-9]{40}@127\\.0\\.0\\.1:${port}$`));
    const password = new URL(url).password;
    const anonymous = await connectRedis(`redis://127.0.0.1:${port}`, "producer").catch((e: Error) => e);
    // ioredis's ready check (INFO) already needs the password, so the connection itself fails.
    expect(String(anonymous instanceof Error ? anonymous.message : await anonymous.get("x"))).toMatch(/NOAUTH|Connection is closed/);
    if (!(anonymous instanceof Error)) anonymous.disconnect();
    await expect(connectRedis(`redis://:wrong@127.0.0.1:${port}`, "producer", { readyTimeoutMs: 3_000 })).rejects.toThrow(/WRONGPASS|invalid password|Connection is closed|not ready/i);
    const conf = path.join(dataDir, "redis/redis.conf");
    expect(statSync(conf).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(conf)).mode & 0o777).toBe(0o700);
    expect(readFileSync(`/proc/${pid()}/cmdline`, "utf8")).not.toContain(password);
  });

  it("is idempotent: a second call reuses the running server and the same password", () => {
    const first = pid();
    expect(script()).toBe(url);
    expect(pid()).toBe(first);
  });

  it("the queue's connection (web's boot and health use it too) and the worker connect with the URL; without the password the worker refuses to start", async () => {
    const redis = await connectRedis(url, "producer");
    try {
      await assertNoEviction(redis);
      expect(await redis.ping()).toBe("PONG");
    } finally {
      redis.disconnect();
    }
    const ok = await bootWorker(url);
    expect(ok.started, ok.output).toBe(true);
    expect(ok.output).not.toContain(new URL(url).password);
    const refused = await bootWorker(`redis://127.0.0.1:${port}`);
    expect(refused.started).toBe(false);
    expect(refused.output).toMatch(/NOAUTH/);
  }, 300_000); // two worker boots; tsx alone takes 20 s on a busy 2-core machine
});
