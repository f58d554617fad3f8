import type { Tx } from "@galley/db";
import { resolveJobId, writeOutbox, writeOutboxMany } from "@galley/queue";

/** The catalogue's deterministic id of a node attempt's job (the format lives in @galley/queue). */
export function nodeJobId(runId: string, nodeId: string, attempt: number): string {
  return resolveJobId("node.execute", { runId, nodeId, attempt });
}

/**
 * Written in the same transaction as the state change that makes a node runnable, through the
 * one outbox writer (@galley/queue validates the payload against the job catalogue). The id is
 * always the deterministic one: BullMQ then absorbs a second add of the same attempt. `pool`: the
 * run's worker pool (runs.pool), whose queue only that pool's workers consume.
 */
export async function enqueueNodeInTx(tx: Tx, runId: string, nodeId: string, attempt: number, pool: string, delayMs = 0): Promise<void> {
  await writeOutbox(tx, { jobName: "node.execute", payload: { runId, nodeId, attempt }, delayMs, pool });
}

/** First attempts (or given attempts) of several nodes of one run in one statement. */
export async function enqueueNodesInTx(tx: Tx, runId: string, nodes: { nodeId: string; attempt: number }[], pool: string): Promise<void> {
  await writeOutboxMany(tx, nodes.map((n) => ({ jobName: "node.execute" as const, payload: { runId, nodeId: n.nodeId, attempt: n.attempt }, pool })));
}

/** The `run.deadline` job of a run with a max_duration, delayed by it (counted from the row's creation). */
export async function enqueueDeadlineInTx(tx: Tx, runId: string, delayMs: number): Promise<void> {
  await writeOutbox(tx, { jobName: "run.deadline", payload: { runId }, delayMs });
}
