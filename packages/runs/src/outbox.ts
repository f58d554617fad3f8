import type { Tx } from "@galley/db";
import { nodeJobId } from "./state";

/** Queue and job names shared with @galley/queue's catalogue (node.execute → queue "nodes"). */
export const NODE_QUEUE = "nodes";
export const NODE_JOB = "node.execute";
/** @galley/queue's dispatcher LISTENs here; the NOTIFY fires only when the transaction commits. */
const OUTBOX_CHANNEL = "galley_outbox";

/**
 * Written in the same transaction as the state change that makes a node runnable. Kept free of
 * BullMQ so the run state machine stays testable without Redis; the dispatcher validates the
 * payload against the job catalogue when it enqueues.
 */
export async function enqueueNodeInTx(tx: Tx, runId: string, nodeId: string, attempt: number, delayMs = 0, jobId = nodeJobId(runId, nodeId, attempt)): Promise<void> {
  const payload = { runId, nodeId, attempt, ...(delayMs > 0 ? { delayMs: Math.round(delayMs) } : {}) };
  await tx.$queryRaw`
    WITH ins AS (
      INSERT INTO outbox (queue, job_name, job_id, payload)
      VALUES (${NODE_QUEUE}, ${NODE_JOB}, ${jobId}, ${JSON.stringify(payload)}::jsonb)
      RETURNING id
    )
    SELECT ins.id FROM ins, pg_notify(${OUTBOX_CHANNEL}, '') AS n`;
}
