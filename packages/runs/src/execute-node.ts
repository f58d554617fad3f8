import { AppError, isAppError, redactText, type Logger } from "@galley/core";
import type { Db } from "@galley/db";
import type { Executor, NodeSpec } from "@galley/executor";
import { matchFiles, outputProducers, renderNode, type PipelineNode, type VariableScope } from "@galley/pipelines";
import { claimNode, credentialRevoked, renewLease } from "./claim-node";
import { completeNode, type NodeOutcome } from "./complete-node";
import { LogSink } from "./log-sink";
import { runNodeTests, type WithTestSession } from "./run-node-tests";
import type { PipelineSource, RunDocument } from "./start-run";

export interface SqlRequest {
  environmentId: string;
  schema: string;
  sql: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** The pipeline's secrets of the environment (never Galley's own credentials). */
  secrets: Record<string, string>;
  /** Where the SQL came from, for errors' file:line. */
  source?: string;
  onLog(line: string): void;
}

export interface ExecuteNodeDeps {
  db: Db;
  workerId: string;
  /**
   * Only for runs planned before their files were frozen in the run document: a worker host
   * without the repository leaves it out, and such a run's container files fail with a message.
   */
  source?: Pick<PipelineSource, "readTextFiles">;
  executor: Executor;
  runSql(q: SqlRequest): Promise<{ statements: number; ms: number }>;
  /** Secrets of the environment, audited as read for this run and node. */
  resolveSecrets(q: { environmentId: string; runId: string; nodeId: string }): Promise<Record<string, string>>;
  /**
   * Connection variables (PGHOST…) a container node gets to reach its Kitchen's warehouse;
   * `secrets`: the credential values among them (the Kitchen role's password), to redact.
   */
  warehouseEnv(environmentId: string, schema: string, secrets: Record<string, string>): Promise<{ env: Record<string, string>; networkMode: string; hostPorts?: number[]; secrets?: string[] }>;
  /**
   * Copy on first write for a container's declared `writes:`: which of those tables were still
   * views of the parent and are now the Kitchen's own.
   */
  prepareWrites?(environmentId: string, schema: string, tables: string[]): Promise<string[]>;
  /** The node's warehouse session (the Kitchen's role) for its data tests. */
  withTestSession?: WithTestSession;
  dispatchNow?: () => void;
  logger: Logger;
  leaseMs?: number;
  renewEveryMs?: number;
  /** The worker's credential: checked live inside the claim itself (a revoked worker claims nothing). */
  credentialId?: string;
}

export interface NodeJob {
  runId: string;
  nodeId: string;
  attempt: number;
}

/**
 * Runs one node attempt end to end. Safe to deliver twice: only the worker that claims the node
 * runs it, and only the claim holder's outcome is recorded. A node taken over from a dead worker
 * adopts that worker's container of the same attempt (the executor waits for it) and kills any
 * other, so a node never has two containers and never runs its side effects twice.
 */
export async function executeNode(deps: ExecuteNodeDeps, job: NodeJob): Promise<"done" | "skipped" | "revoked"> {
  const leaseMs = deps.leaseMs ?? 8_000;
  const claimed = await claimNode(deps.db, { ...job, workerId: deps.workerId, leaseMs, credentialId: deps.credentialId });
  // "revoked": nothing was claimed or run; the caller hands the job back to its queue.
  if (!claimed) return deps.credentialId && (await credentialRevoked(deps.db, deps.credentialId)) ? "revoked" : "skipped";
  const log = deps.logger.child({ runId: job.runId, nodeId: job.nodeId, attempt: job.attempt });
  if (claimed.tookOver) {
    // Earlier attempts' containers go; this attempt's own is adopted by the executor's run().
    const killed = await deps.executor.killOrphans({ runId: job.runId, nodeId: job.nodeId, exceptAttempt: job.attempt }).catch(() => 0);
    log.warn("took over a node whose worker stopped renewing its lease", { killedContainers: killed });
  }
  const prior = await deps.db.nodeRun.findUniqueOrThrow({ where: { id: claimed.nodeRunId }, select: { logBytes: true } });
  const log0 = deps.logger.child({ runId: job.runId, nodeId: job.nodeId, attempt: job.attempt });
  const sink = new LogSink(deps.db, claimed.nodeRunId, job.attempt, undefined, prior.logBytes, (e, lines) => log0.warn("node log write failed", { lines, err: e }));
  const abort = new AbortController();
  const renew = setInterval(() => {
    renewLease(deps.db, { nodeRunId: claimed.nodeRunId, workerId: deps.workerId, leaseMs })
      .then((ok) => {
        if (!ok && !abort.signal.aborted) abort.abort();
      })
      .catch(() => {
        // A missed renewal is retried on the next tick; the lease outlives two ticks.
      });
  }, deps.renewEveryMs ?? 2_000);

  let outcome: NodeOutcome;
  let backoffMs = 1000;
  let dag: Record<string, string[]> | undefined;
  try {
    const run = await loadRunDocument(deps.db, job.runId);
    const doc = run.doc;
    backoffMs = doc.policy[job.nodeId]?.backoffMs ?? 1000;
    dag = doc.deps;
    sink.write("system", `[galley] attempt ${job.attempt} on ${deps.workerId} (${run.executor === "local" ? "local executor: no container isolation" : "docker executor"})`);
    // Taking over: what the dead worker saved of this attempt's output is not written again.
    const saved = claimed.tookOver ? await savedOutputLines(deps.db, claimed.nodeRunId, job.attempt) : undefined;
    outcome = await runAttempt(deps, job, { ...run, doc }, sink, abort.signal, saved);
  } catch (e) {
    // A vault that cannot decrypt is an operator problem with a precise message, not a crash.
    const known = isAppError(e) || (e as Error)?.name === "VaultDecryptError";
    const message = known ? `${isAppError(e) ? "" : "vault: "}${(e as Error).message}` : `internal error: ${(e as Error).message}`;
    if (!known) log.error("node attempt crashed", { err: e });
    outcome = { status: abort.signal.aborted ? "cancelled" : "failed", error: message };
  } finally {
    clearInterval(renew);
  }
  if (outcome.error) sink.write("system", `[galley] ${outcome.status}: ${outcome.error}`);
  else sink.write("system", `[galley] ${outcome.status}`);
  await sink.close();
  const result = await completeNode({ db: deps.db, dispatchNow: deps.dispatchNow }, { ...job, workerId: deps.workerId, backoffMs, outcome, dag });
  log.info("node finished", { status: outcome.status, applied: result.applied, retrying: result.retrying, queued: result.queued, runStatus: result.runStatus });
  return "done";
}

// A run's document never changes once written: keep the last few parsed in memory, so a
// 500-node run does not re-read and re-parse it for every node.
type LoadedRun = { commit: string; executor: string; kitchenId: string; doc: RunDocument };
const documents = new Map<string, LoadedRun>();
async function loadRunDocument(db: Db, runId: string) {
  const hit = documents.get(runId);
  if (hit) return hit;
  const run = await db.run.findUniqueOrThrow({ where: { id: runId }, select: { commit: true, compiled: true, executor: true, kitchenId: true } });
  const entry = { commit: run.commit, executor: run.executor, kitchenId: run.kitchenId, doc: run.compiled as unknown as RunDocument };
  documents.set(runId, entry);
  if (documents.size > 32) documents.delete(documents.keys().next().value!);
  return entry;
}

/** Lines of an attempt's container output already in the node's log, per stream. */
async function savedOutputLines(db: Db, nodeRunId: string, attempt: number): Promise<{ stdout: number; stderr: number }> {
  const rows = await db.nodeLog.groupBy({ by: ["stream"], where: { nodeRunId, attempt, stream: { in: ["stdout", "stderr"] } }, _count: { _all: true } });
  const n = (stream: string) => rows.find((r) => r.stream === stream)?._count._all ?? 0;
  return { stdout: n("stdout"), stderr: n("stderr") };
}

async function runAttempt(
  deps: ExecuteNodeDeps, job: NodeJob, run: LoadedRun, sink: LogSink, signal: AbortSignal, saved?: { stdout: number; stderr: number },
): Promise<NodeOutcome> {
  const { doc, commit } = run;
  const t0 = Date.now();
  const node = doc.source.nodes.find((n) => n.id === job.nodeId);
  if (!node) throw new AppError("not_found", `node ${job.nodeId} is not in the run's pipeline`);
  // Only the outputs this node reads: reading every finished node's made a wide run O(N²).
  const producers = outputProducers(doc.source, node, doc.sources);
  const upstream = producers.length
    ? await deps.db.nodeRun.findMany({ where: { runId: job.runId, nodeId: { in: producers }, status: { in: ["succeeded", "reused"] } }, select: { nodeId: true, outputs: true } })
    : [];
  const secrets = await deps.resolveSecrets({ environmentId: doc.context.environmentId, runId: job.runId, nodeId: job.nodeId });
  const scope: VariableScope = {
    kitchen: doc.context.kitchen,
    schema: doc.context.schema,
    environment: doc.context.environment,
    runId: job.runId,
    pipeline: doc.source.name,
    params: doc.context.params,
    vault: secrets,
    outputs: Object.fromEntries(upstream.map((u) => [u.nodeId, u.outputs as Record<string, unknown>])),
  };
  const sqlText = node.type === "sql" && node.sql_file ? doc.sources[node.sql_file] : undefined;
  const rendered = renderNode(node, scope, { mode: "execute", sqlText });
  const secretValues = [...new Set([...rendered.secretsUsed, ...Object.values(secrets)])];
  const timeoutMs = doc.policy[job.nodeId]?.timeoutMs ?? node.timeout_ms;
  let outcome: NodeOutcome;
  if (rendered.value.type === "sql") {
    const where = node.type === "sql" && node.sql_file ? `${doc.source.folder.replace(/\/$/, "")}/${node.sql_file}` : `${doc.source.path} (node ${node.id})`;
    outcome = await runSqlNode(deps, doc, { sql: rendered.value.sql ?? "", where, secrets }, timeoutMs, sink, signal, secretValues);
  } else {
    outcome = await runContainerNode(deps, job, doc, commit, rendered.value, timeoutMs, sink, signal, secretValues, secrets, saved);
  }
  // Tests judge the data the node left behind; a node that did not succeed has nothing to judge.
  if (outcome.status !== "succeeded" || node.tests.length === 0 || signal.aborted) return outcome;
  return runNodeTests(
    { db: deps.db, withTestSession: deps.withTestSession },
    {
      run: { id: job.runId, kitchenId: run.kitchenId, pipeline: doc.source.name, environmentId: doc.context.environmentId, schema: doc.context.schema },
      node, scope, secrets, secretValues, durationMs: Date.now() - t0, log: (l) => sink.write("system", l),
    },
    outcome,
  );
}

async function runSqlNode(
  deps: ExecuteNodeDeps, doc: RunDocument, q: { sql: string; where: string; secrets: Record<string, string> },
  timeoutMs: number, sink: LogSink, signal: AbortSignal, secretValues: string[],
): Promise<NodeOutcome> {
  const redact = (s: string) => redactText(s, secretValues);
  try {
    const r = await deps.runSql({
      environmentId: doc.context.environmentId, schema: doc.context.schema, sql: q.sql, timeoutMs, signal,
      secrets: q.secrets, source: q.where, onLog: (l) => sink.write("stdout", redact(l)),
    });
    sink.write("stdout", `${r.statements} statement(s) in ${r.ms} ms`);
    return { status: "succeeded", outputs: {} };
  } catch (e) {
    if (signal.aborted) return { status: "cancelled", error: "run cancelled" };
    const message = redact((e as Error).message);
    return { status: /statement timeout|canceling statement due to/i.test(message) ? "timed_out" : "failed", error: message };
  }
}

/** A run planned before files were frozen with it: read them from the repository (control-plane workers only). */
async function legacyFiles(deps: ExecuteNodeDeps, commit: string, folder: string): Promise<Record<string, string>> {
  if (!deps.source) throw new AppError("unavailable", "this run was planned before its files were kept with it, and this worker has no repository: run it again");
  const all = await deps.source.readTextFiles(commit, `${folder}/`);
  return Object.fromEntries(all.map((f) => [f.path.slice(folder.length + 1), f.content]));
}

async function runContainerNode(
  deps: ExecuteNodeDeps, job: NodeJob, doc: RunDocument, commit: string,
  node: Extract<PipelineNode, { type: "container" }>, timeoutMs: number, sink: LogSink, signal: AbortSignal,
  secretValues: string[], secrets: Record<string, string>, saved?: { stdout: number; stderr: number },
): Promise<NodeOutcome> {
  const folder = doc.source.folder.replace(/\/$/, "");
  let files: NodeSpec["files"] = [];
  if (node.files.length) {
    const frozen = doc.files ?? (await legacyFiles(deps, commit, folder));
    files = matchFiles(node.files, Object.keys(frozen)).map((p) => ({ path: p, content: frozen[p] }));
  }
  const wh = await deps.warehouseEnv(doc.context.environmentId, doc.context.schema, secrets);
  if (node.writes.length && deps.prepareWrites) {
    try {
      const made = await deps.prepareWrites(doc.context.environmentId, doc.context.schema, node.writes.map((w) => w.table));
      if (made.length) sink.write("system", `[galley] copy on first write: ${made.join(", ")} became tables of this Kitchen`);
    } catch (e) {
      return { status: "failed", error: `copy on first write of ${node.writes.map((w) => w.table).join(", ")} failed: ${(e as Error).message}` };
    }
  }
  const command = [...(node.command ?? []), ...node.args];
  if (command.length === 0) return { status: "failed", error: `node ${node.id} has no command` };
  const spec: NodeSpec = {
    runId: job.runId,
    nodeId: job.nodeId,
    attempt: job.attempt,
    image: node.image,
    command,
    env: { ...wh.env, GALLEY_KITCHEN: doc.context.kitchen, GALLEY_SCHEMA: doc.context.schema, GALLEY_ENVIRONMENT: doc.context.environment, ...node.env },
    files,
    cpu: node.cpu,
    memoryBytes: node.memory_bytes,
    timeoutMs,
    networkMode: wh.networkMode,
    hostPorts: wh.hostPorts,
    outputsFile: node.outputs,
    secrets: [...new Set([...secretValues, ...(wh.secrets ?? [])])],
  };
  const r = await deps.executor.run(spec, {
    onLog: (stream, line) => sink.write(stream, line),
    signal,
    ...(saved ? { alreadySaved: saved } : {}),
    onStart: (info) =>
      sink.write("system", info.adopted
        ? `[galley] container ${info.containerId?.slice(0, 12)} of this attempt outlived its worker: waiting for it instead of running the node again; its output continues after the ${(saved?.stdout ?? 0) + (saved?.stderr ?? 0)} line(s) already saved`
        : `[galley] ${info.containerId ? `container ${info.containerId.slice(0, 12)}` : `process ${info.pid}`} running after ${Math.round(info.startMs)} ms`),
  });
  return { status: r.status, error: r.error, outputs: r.outputs };
}
