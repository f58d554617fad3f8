export type { ExecResult, ExecStatus, Executor, LogStream, NodeSpec, OrphanFilter, RunIo, StartInfo } from "./types";
export { DockerExecutor, type DockerExecutorOptions } from "./docker-executor";
export { LocalExecutor, type LocalExecutorOptions } from "./local-executor";
export { DEFAULT_LIMITS, FILES_MOUNT, LABEL, RUNNER_UID, WORK_MOUNT } from "./docker-options";
export { DEFAULT_MAX_LOG_CHARS, MAX_LINE_CHARS } from "./log-lines";
export { DEFAULT_OUTPUTS_FILE, MAX_OUTPUTS_BYTES } from "./workspace";
export { formatBytes } from "./result";
export { createExecutor, RUNNER_IMAGE } from "./create-executor";
export { addressForNode, checkNetworkMode, DEFAULT_NODE_SUBNET, isLoopbackHost, NODE_NETWORK_MODES, nodeNetworkSettings, type NodeNetworkMode, type NodeNetworkSettings } from "./node-network-rules";
