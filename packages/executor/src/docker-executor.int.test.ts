import Docker from "dockerode";
import { beforeAll, describe, expect, it } from "vitest";
import { DockerExecutor } from "./docker-executor";
import { buildRunnerImage, ensureDockerEngine, runCapture, testSpec } from "./testing/docker-engine";

const engine = ensureDockerEngine();
const docker = new Docker();
const executor = new DockerExecutor();

async function containersOf(runId: string) {
  return docker.listContainers({ all: true, filters: { label: [`galley.run=${runId}`] } });
}

describe.skipIf(!engine.ok)("DockerExecutor", () => {
  beforeAll(() => buildRunnerImage());

  it("runs hardened: inspect of the running container, then cancel within 5 s", async () => {
    const spec = testSpec({ command: ["sleep", "3600"], memoryBytes: 128 * 1024 ** 2, cpu: 0.5, pidsLimit: 64 });
    const ac = new AbortController();
    let inspected: Docker.ContainerInspectInfo | undefined;
    let abortedAt = 0;
    const run = runCapture(executor, spec, {
      signal: ac.signal,
      onStart: async ({ containerId }) => {
        inspected = await docker.getContainer(containerId!).inspect();
        abortedAt = Date.now();
        ac.abort();
      },
    });
    const { result } = await run;
    expect(result.status).toBe("cancelled");
    expect(Date.now() - abortedAt).toBeLessThan(5_000);
    const h = inspected!.HostConfig;
    expect(inspected!.State.Running).toBe(true);
    expect(h.Privileged).toBe(false);
    expect(h.CapDrop).toEqual(["ALL"]);
    expect(h.ReadonlyRootfs).toBe(true);
    expect(h.SecurityOpt).toContain("no-new-privileges");
    expect(h.SecurityOpt?.join(" ")).not.toMatch(/seccomp[=:]unconfined/);
    expect(inspected!.Config.User).toBe("10001:10001");
    expect(h.PidsLimit).toBe(64);
    expect(h.Memory).toBe(128 * 1024 ** 2);
    expect(h.MemorySwap).toBe(128 * 1024 ** 2);
    expect(h.NanoCpus).toBe(5e8);
    expect(h.LogConfig).toEqual({ Type: "json-file", Config: { "max-size": "10m", "max-file": "1" } });
    expect(JSON.stringify(inspected!.Mounts)).not.toContain("docker.sock");
    expect(inspected!.Mounts.map((m) => [m.Destination, m.RW]).sort()).toEqual([["/galley/files", false], ["/galley/work", true]]);
    expect(await containersOf(spec.runId)).toHaveLength(0);
  });

  it("is confined inside: no capabilities, no_new_privs, seccomp filter, non-root", async () => {
    const { result, stdout } = await runCapture(executor, testSpec({ command: ["sh", "-c", "id -u; grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status"] }));
    expect(result.status).toBe("succeeded");
    expect(stdout).toContain("10001");
    expect(stdout).toMatch(/CapEff:\s+0000000000000000/);
    expect(stdout).toMatch(/NoNewPrivs:\s+1/);
    expect(stdout).toMatch(/Seccomp:\s+2/);
  });

  it("allows writes only to the work dir and a noexec /tmp", async () => {
    const script = [
      "echo x > /x && echo root-writable",
      "echo x > /galley/files/x && echo files-writable",
      "echo ok > /galley/work/w && echo work-writable",
      "cp /bin/busybox /tmp/bb && echo tmp-writable",
      "/tmp/bb true && echo tmp-exec",
      "exit 0",
    ].join("; ");
    const { result, stdout, stderr } = await runCapture(executor, testSpec({ command: ["sh", "-c", script] }));
    expect(result.status).toBe("succeeded");
    expect(stdout.split("\n").sort()).toEqual(["tmp-writable", "work-writable"]);
    expect(stderr).toMatch(/Read-only file system/);
    expect(stderr).toMatch(/Permission denied/); // exec from /tmp
  });

  it("reads files, env and outputs; reports the Galley dirs", async () => {
    const script = "cat $GALLEY_FILES/sql/q.sql; echo; printf '{\"rows\": %s, \"dir\": \"%s\"}' \"$N\" \"$GALLEY_WORK\" > outputs.json";
    const { result, stdout } = await runCapture(executor, testSpec({ command: ["sh", "-c", script], env: { N: "42" }, files: [{ path: "sql/q.sql", content: "select 1" }] }));
    expect(stdout).toBe("select 1");
    expect(result).toMatchObject({ status: "succeeded", exitCode: 0, oomKilled: false, outputs: { rows: 42, dir: "/galley/work" } });
  });

  it("fails with a clear error on invalid outputs JSON and on a symlink out of the work dir", async () => {
    const bad = await runCapture(executor, testSpec({ command: ["sh", "-c", "echo '{nope' > result.json"], outputsFile: "result.json" }));
    expect(bad.result.status).toBe("failed");
    expect(bad.result.error).toMatch(/^outputs file result\.json is not valid JSON/);
    const link = await runCapture(executor, testSpec({ command: ["ln", "-s", "/etc/hostname", "outputs.json"] }));
    expect(link.result.status).toBe("failed");
    expect(link.result.error).toMatch(/outputs file outputs\.json (points outside|cannot be read|is not)/);
  });

  it("redacts a secret printed plain, split across two writes, base64 and JSON-escaped", async () => {
    const secret = 'Can4ry"pa$$\\word-XyZ';
    const script = `
      const s = process.env.SECRET;
      process.stdout.write("plain " + s + "\\n");
      process.stdout.write("split " + s.slice(0, 7));
      setTimeout(() => {
        process.stdout.write(s.slice(7) + " end\\n");
        console.log("b64 " + Buffer.from(s).toString("base64"));
        console.log("json " + JSON.stringify({ s }));
        console.error("err " + s);
      }, 150);`;
    const { result, all } = await runCapture(executor, testSpec({ command: ["node", "-e", script], env: { SECRET: secret }, secrets: [secret] }));
    expect(result.status).toBe("succeeded");
    expect(all).not.toContain(secret);
    expect(all).not.toContain(secret.slice(7));
    expect(all).not.toContain(Buffer.from(secret).toString("base64").slice(0, 20));
    expect(all).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(all.split("\n").sort()).toEqual(["b64 ***", "err ***", 'json {"s":"***"}', "plain ***", "split *** end"]);
  });

  it("reports a non-zero exit code", async () => {
    const { result } = await runCapture(executor, testSpec({ command: ["sh", "-c", "exit 7"] }));
    expect(result).toMatchObject({ status: "failed", exitCode: 7, error: "exited with code 7" });
  });

  it("explains a missing image instead of pulling", async () => {
    const { result } = await runCapture(executor, testSpec({ image: "galley-no-such-image:latest" }));
    expect(result.status).toBe("failed");
    expect(result.error).toBe("image galley-no-such-image:latest is not available locally (Galley cannot pull images here; build it with docker/runner/build.sh)");
  });

  it("reports a command that does not exist in the image", async () => {
    const { result } = await runCapture(executor, testSpec({ command: ["no-such-binary"] }));
    expect(result.status).toBe("failed");
    expect(result.error).toBe("command not found: no-such-binary (not in the image galley-runner:latest)");
  });

  it("network none reaches nothing; galley reaches the host's PostgreSQL only through pg_hba's password lines; host is refused", async () => {
    const probe = (host: string) => ["psql", "-h", host, "-U", "postgres", "-d", "postgres", "-w", "-tAc", "select 40 + 2"];
    const none = await runCapture(executor, testSpec({ command: probe("127.0.0.1"), networkMode: "none" }));
    expect(none.result.status).toBe("failed");
    expect(none.stderr).toMatch(/connection to server .* failed|Connection refused/);
    // The superuser is refused from the node subnet outright (scripts/services.sh's pg_hba lines).
    const galley = await runCapture(executor, testSpec({ command: probe("172.29.213.1"), networkMode: "galley", hostPorts: [5432] }));
    expect(galley.result.status).toBe("failed");
    expect(galley.stderr).toMatch(/pg_hba\.conf rejects connection for host "172\.29\.213\.\d+", user "postgres"/);
    const host = await runCapture(executor, testSpec({ command: probe("127.0.0.1"), networkMode: "host" }));
    expect(host.result).toMatchObject({ status: "failed", error: expect.stringMatching(/^network mode host is not allowed/) });
    expect(host.stdout).toBe("");
  });

  it("streams long lines in 64 KiB pieces and keeps stdout and stderr apart", async () => {
    const script = "process.stdout.write('x'.repeat(150000) + '\\nlast'); process.stderr.write('e1\\ne2\\n')";
    const { lines } = await runCapture(executor, testSpec({ command: ["node", "-e", script] }));
    const out = lines.filter((l) => l.stream === "stdout").map((l) => l.line.length);
    expect(out).toEqual([65536, 65536, 150000 - 2 * 65536, 4]);
    expect(lines.filter((l) => l.stream === "stderr").map((l) => l.line)).toEqual(["e1", "e2"]);
  });

  it("caps a flood of output with one truncation marker and keeps draining", async () => {
    const capped = new DockerExecutor({ maxLogChars: 1_000_000 });
    const { result, lines } = await runCapture(capped, testSpec({ command: ["sh", "-c", "yes $(printf '%0100d' 0) | head -c 20000000; echo done >&2"] }));
    expect(result.status).toBe("succeeded");
    expect(lines.reduce((n, l) => n + l.line.length + 1, 0)).toBeLessThan(1_100_000);
    expect(lines.filter((l) => l.line.startsWith("[galley] log truncated"))).toHaveLength(1);
  });

  it("refuses bad input as a failed result", async () => {
    const { result } = await runCapture(executor, testSpec({ files: [{ path: "../escape", content: "x" }] }));
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/relative path/);
  });
});
