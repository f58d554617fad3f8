// Issue 9 faults: the Docker engine stops while a container node runs. The node fails with a
// clear reason (never stays running), and once the engine is back the next run succeeds. The
// engine is a private dockerd (own socket, data root, exec root, pid file): the machine's shared
// engine is never stopped. It manages no bridge or iptables rules, so nodes use network mode none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commit, logsOf, run, setUpGalley, startWorker, stopWorker, tearDownGalley, waitForRun, type WorkerEnv } from "../../apps/worker/src/testing";
import { startPrivateDocker, type PrivateDocker } from "./helpers/private-services";

let g: WorkerEnv;

function pipeline(name: string, sleepS: number): Record<string, string> {
  return {
    [`pipelines/${name}/pipeline.yaml`]: [
      `name: ${name}`,
      "nodes:",
      "  - id: slow",
      "    type: container",
      "    image: galley-runner:latest",
      `    command: [sh, -c, 'echo started; sleep ${sleepS}; echo finished']`,
      "  - id: after",
      "    type: sql",
      "    depends_on: [slow]",
      `    sql: create table if not exists ${name}_done (run_id text primary key); insert into ${name}_done values ('{{run.id}}');`,
    ].join("\n"),
  };
}
let docker: PrivateDocker;
const workers: ReturnType<typeof startWorker>[] = [];

beforeAll(async () => {
  // setUpGalley makes sure the shared engine runs and has the runner image; it is copied from there.
  g = await setUpGalley("docker");
  docker = await startPrivateDocker(["galley-runner:latest"]);
  g.env.GALLEY_DOCKER_SOCKET = docker.socket;
  await g.db.environment.updateMany({ where: { name: { in: ["development", "production"] } }, data: { networkMode: "none" } });
  await commit(g, "padma_feature", {
    // The engine's shutdown stops containers (SIGTERM, SIGKILL 10 s later): the slow node is still
    // running then. The quick pipeline is the same shape for the run after the engine is back.
    ...pipeline("engine", 60),
    ...pipeline("engine_quick", 1),
  });
}, 240_000);

afterAll(async () => {
  for (const w of workers) await stopWorker(w, "SIGKILL");
  if (g) await tearDownGalley(g);
  await docker?.destroy();
});

describe("the Docker engine stops mid-node", () => {
  it("the node fails with a clear reason; the next run succeeds once the engine is back", async () => {
    workers.push(startWorker(g));
    const first = await run(g, "padma_feature", "engine");
    await expect.poll(() => logsOf(g.db, first.runId), { timeout: 60_000, interval: 100 }).toContain("started");
    await docker.stop();

    const failed = await waitForRun(g.db, first.runId, 90_000);
    const logs = await logsOf(g.db, first.runId);
    expect(failed.status, logs.slice(-2000)).toBe("failed");
    expect(failed.nodes.slow.status).toMatch(/^(failed|timed_out)$/);
    expect(failed.nodes.slow.error).toMatch(/Docker engine (stopped|unavailable)/);
    expect(failed.nodes.after.status).not.toMatch(/^(queued|running|succeeded)$/);

    await docker.start();
    const second = await run(g, "padma_feature", "engine_quick");
    const ok = await waitForRun(g.db, second.runId, 90_000);
    expect(ok.status, (await logsOf(g.db, second.runId)).slice(-2000)).toBe("succeeded");
  });
});
