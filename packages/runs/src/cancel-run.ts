import { AppError } from "@galley/core";
import { withTransaction, type Db } from "@galley/db";
import { countRunWarningsInTx } from "./complete-node";

/**
 * Cancels a run: queued and pending nodes are dropped at once; running nodes see the cancelled
 * run when they renew their lease (within a couple of seconds), stop their container and finish
 * as cancelled.
 */
export async function cancelRun(db: Db, runId: string, reason = "cancelled"): Promise<{ cancelledNodes: number; running: number }> {
  return withTransaction(db, async (tx) => {
    const [run] = await tx.$queryRaw<{ status: string }[]>`SELECT status FROM runs WHERE id = ${runId}::uuid FOR UPDATE`;
    if (!run) throw new AppError("not_found", `run ${runId} does not exist`);
    if (!["queued", "running"].includes(run.status)) throw new AppError("conflict", `run is already ${run.status}`);
    // Warnings are counted when a run ends (see completeNode): no completion writes now.
    await countRunWarningsInTx(tx, runId);
    await tx.run.update({ where: { id: runId }, data: { status: "cancelled", finishedAt: new Date(), error: reason } });
    const dropped = await tx.nodeRun.updateMany({
      where: { runId, status: { in: ["pending", "queued"] } },
      data: { status: "cancelled", finishedAt: new Date(), error: "run cancelled" },
    });
    const running = await tx.nodeRun.count({ where: { runId, status: "running" } });
    return { cancelledNodes: dropped.count, running };
  });
}
