import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalExecutor } from "./local-executor";
import { LocalRegistry, processStartTime } from "./local-registry";
import { runCapture, testSpec } from "./testing/docker-engine";

// A private tmp dir per file, so the leftovers check below sees only this file's nodes.
const tmpDir = mkdtempSync(path.join(os.tmpdir(), "galley-local-test-"));
const executor = new LocalExecutor({ tmpDir });
const spec = (o: Parameters<typeof testSpec>[0]) => testSpec({ image: "unused", ...o });

afterAll(() => rmSync(tmpDir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** "gone" for an exited process, a zombie included (its reaper is init, not us). */
function runningState(pid: number): "running" | "gone" {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z") ? "gone" : "running";
  } catch {
    return "gone";
  }
}

describe("LocalExecutor", () => {
  it("runs with files, a minimal env and outputs; leaves nothing behind", async () => {
    const script = `
      const fs = require("fs");
      console.log(fs.readFileSync(process.env.GALLEY_FILES + "/sql/q.sql", "utf8"));
      console.log(Object.keys(process.env).sort().join(","));
      console.log(process.cwd() === process.env.GALLEY_WORK);
      fs.writeFileSync("outputs.json", JSON.stringify({ n: Number(process.env.N) }));`;
    const { result, stdout } = await runCapture(executor, spec({ command: ["node", "-e", script], env: { N: "5" }, files: [{ path: "sql/q.sql", content: "select 1" }] }));
    expect(result).toMatchObject({ status: "succeeded", exitCode: 0, outputs: { n: 5 } });
    const [file, keys, cwdIsWork] = stdout.split("\n");
    expect(file).toBe("select 1");
    // Nothing of the worker's own environment (DATABASE_URL, HOME, keys...) leaks in.
    expect(keys).toBe("GALLEY_ATTEMPT,GALLEY_FILES,GALLEY_NODE_ID,GALLEY_OUTPUTS,GALLEY_RUN_ID,GALLEY_WORK,N,PATH");
    expect(cwdIsWork).toBe("true");
    expect(readdirSync(tmpDir).filter((f) => f.startsWith("galley-exec-"))).toEqual([]);
  });

  it("passes a parameter literally: no shell, no file appears", async () => {
    const param = "$(touch pwned); rm -rf /";
    const script = "console.log(process.argv[1]); require('fs').writeFileSync('outputs.json', JSON.stringify({ files: require('fs').readdirSync('.') }))";
    const { result, stdout } = await runCapture(executor, spec({ command: ["node", "-e", script, param] }));
    expect(stdout).toBe(param);
    expect(result.outputs).toEqual({ files: [] });
    expect(existsSync(path.join(process.cwd(), "pwned"))).toBe(false);
    expect(existsSync(path.join(os.tmpdir(), "pwned"))).toBe(false);
  });

  it("kills the whole process group at the timeout", async () => {
    const t0 = Date.now();
    const { result } = await runCapture(executor, spec({ command: ["sh", "-c", "sleep 3600 & echo $! > child.pid; wait"], timeoutMs: 1_000 }));
    expect(result).toMatchObject({ status: "timed_out", exitCode: null, error: "timed out after 1 s" });
    expect(Date.now() - t0).toBeLessThan(2_500);
  });

  it("cancels a running node", async () => {
    const ac = new AbortController();
    let pid = 0;
    const { result } = await runCapture(executor, spec({ command: ["sleep", "3600"] }), { signal: ac.signal, onStart: (i) => ((pid = i.pid!), setTimeout(() => ac.abort(), 100)) });
    expect(result.status).toBe("cancelled");
    expect(runningState(pid)).toBe("gone");
  });

  it("kills background children when the main process exits (as a container would)", async () => {
    const { result, stdout } = await runCapture(executor, spec({ command: ["sh", "-c", "sleep 3600 & echo $!; exit 0"] }));
    expect(result.status).toBe("succeeded");
    expect(runningState(Number(stdout))).toBe("gone");
  });

  it("does not hang on a grandchild that left the group and keeps the pipes open", async () => {
    const t0 = Date.now();
    const { result, stdout } = await runCapture(executor, spec({ command: ["sh", "-c", "setsid sh -c 'echo $$; exec sleep 31' & sleep 0.2; exit 0"] }));
    process.kill(Number(stdout.split("\n")[0]), "SIGKILL");
    expect(result.status).toBe("succeeded");
    expect(Date.now() - t0).toBeLessThan(4_000);
  });

  it("redacts secrets in every form, in logs, outputs and errors", async () => {
    const secret = 'Can4ry"pa$$\\word-XyZ';
    const script = `
      const s = process.env.SECRET;
      process.stdout.write("split " + s.slice(0, 7));
      setTimeout(() => {
        process.stdout.write(s.slice(7) + " end\\n");
        console.log("b64 " + Buffer.from(s).toString("base64"));
        console.log("json " + JSON.stringify({ s }));
        require("fs").writeFileSync("outputs.json", JSON.stringify({ leaked: s }));
      }, 100);`;
    const { result, all } = await runCapture(executor, spec({ command: ["node", "-e", script], env: { SECRET: secret }, secrets: [secret] }));
    expect(all.split("\n")).toEqual(["split *** end", "b64 ***", 'json {"s":"***"}']);
    expect(result.outputs).toEqual({ leaked: "***" });
    const bad = await runCapture(executor, spec({ command: ["sh", "-c", `echo '${secret.replace(/'/g, "")}' > outputs.json`], secrets: [secret.replace(/'/g, "")] }));
    expect(bad.result.status).toBe("failed");
    expect(bad.result.error).toMatch(/^outputs file outputs\.json is not valid JSON/);
    expect(bad.result.error).not.toContain("word-XyZ");
  });

  it("reports exit codes and missing commands", async () => {
    expect((await runCapture(executor, spec({ command: ["sh", "-c", "exit 4"] }))).result).toMatchObject({ status: "failed", exitCode: 4, error: "exited with code 4" });
    expect((await runCapture(executor, spec({ command: ["no-such-binary-x"] }))).result).toMatchObject({ status: "failed", error: "command not found: no-such-binary-x" });
  });

  it("killOrphans kills a group a dead worker left running, and only that", async () => {
    const stateDir = path.join(tmpDir, "orphans");
    const registry = new LocalRegistry(stateDir);
    const start = () => spawn("sleep", ["3600"], { detached: true, stdio: "ignore" });
    const [a, b] = [start(), start()];
    await registry.add({ pid: a.pid!, startTime: (await processStartTime(a.pid!))!, runId: "r1", nodeId: "n1", attempt: 1, workspace: "/nonexistent" });
    await registry.add({ pid: b.pid!, startTime: (await processStartTime(b.pid!))!, runId: "r2", nodeId: "n1", attempt: 1, workspace: "/nonexistent" });
    const exited = new Promise((r) => a.once("exit", r));
    const takeover = new LocalExecutor({ tmpDir, stateDir });
    expect(await takeover.killOrphans({ runId: "r1" })).toBe(1);
    await exited;
    expect(alive(b.pid!)).toBe(true);
    // A recycled pid (start time changed) is not killed.
    await registry.add({ pid: b.pid!, startTime: "1", runId: "r2", nodeId: "n1", attempt: 1, workspace: "/nonexistent" });
    expect(await takeover.killOrphans()).toBe(0);
    expect(alive(b.pid!)).toBe(true);
    process.kill(b.pid!, "SIGKILL");
  });
});
