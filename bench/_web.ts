// Shared by the benchmarks that load one real web process (apps/web/start.mjs, production build).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const WEB = path.resolve(import.meta.dirname, "../apps/web");
const NEXT = path.join(WEB, "node_modules/next/dist/bin/next");

/** Builds the web app unless a build exists (BENCH_REBUILD=1 forces one). */
export function ensureWebBuild(): void {
  if (existsSync(path.join(WEB, ".next/BUILD_ID")) && !process.env.BENCH_REBUILD) return;
  console.error("building the web app (next build)…");
  const r = spawnSync(process.execPath, [NEXT, "build"], { cwd: WEB, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (r.status !== 0) throw new Error("next build failed");
}

export interface WebProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * One web process on a loopback port (BENCH_PORT, default 3108) against the given database, as
 * the README starts it (apps/web/start.mjs); with GALLEY_WEB_PROCESSES > 1, that many behind the port.
 */
export async function startWeb(databaseUrl: string, extraEnv: Record<string, string> = {}, port = Number(process.env.BENCH_PORT ?? 3108)): Promise<WebProcess> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(WEB, "start.mjs")], {
    cwd: WEB,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env, DATABASE_URL: databaseUrl, GALLEY_BASE_URL: url, GALLEY_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "galley-bench-web-")),
      GALLEY_EXECUTOR: "local", LOG_LEVEL: "error", NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", PORT: String(port), GALLEY_WEB_HOST: "127.0.0.1", ...extraEnv,
    },
  });
  let err = "";
  child.stderr!.on("data", (d) => (err = (err + d).slice(-4000)));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the web process exited: ${err}`);
    const ok = await fetch(`${url}/sign-in`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the web process did not answer within 120 s: ${err}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

/** Transactions committed or rolled back in a database so far (reported by backends with up to ~10 s delay). */
export async function xacts(db: { $queryRaw: <T>(q: TemplateStringsArray, ...v: unknown[]) => Promise<T> }): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`SELECT (xact_commit + xact_rollback)::int AS n FROM pg_stat_database WHERE datname = current_database()`;
  return rows[0].n;
}
