import type { Tx } from "@galley/db";
import { nodeJobId } from "./state";

/** Queue and job names shared with @galley/queue's catalogue. */
export const NODE_QUEUE = "nodes";
export const NODE_JOB = "node.execute";

/** Written in the same transaction as the state change that makes a node runnable. */
export async function enqueueNodeInTx(tx: Tx, runId: string, nodeId: string, attempt: number, delayMs = 0): Promise<void> {
  await tx.outbox.create({
    data: {
      queue: NODE_QUEUE,
      jobName: NODE_JOB,
      jobId: nodeJobId(runId, nodeId, attempt),
      payload: { runId, nodeId, attempt, ...(delayMs > 0 ? { delayMs } : {}) },
    },
  });
}
