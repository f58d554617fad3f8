import { DockerExecutor, type DockerExecutorOptions } from "./docker-executor";
import { LocalExecutor, type LocalExecutorOptions } from "./local-executor";
import type { Executor } from "./types";

/** The image docker/runner/build.sh builds: busybox, node, psql, user runner (10001). */
export const RUNNER_IMAGE = "galley-runner:latest";

/** One place that maps the configured kind (GALLEY_EXECUTOR, parsed by the app's config) to an executor. */
export function createExecutor(kind: "docker" | "local", options: DockerExecutorOptions & LocalExecutorOptions = {}): Executor {
  return kind === "local" ? new LocalExecutor(options) : new DockerExecutor(options);
}
